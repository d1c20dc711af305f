package dev.qring.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load generator of `./qring bench`. Speaks raw Engine.IO v4 / Socket.IO v5 text frames over Netty websockets
 * (no JSON parser, pre-built frames) so it stays far cheaper per message than the servers it measures; it
 * reports its own CPU so a reader can check it was not the bottleneck.
 *
 * <p>Workload: rooms of two clients (a visitor "v" and a homeowner "h"). Each client connects to namespace
 * {@code /bench}, emits {@code join {room}} with an ack, then emits {@code msg {ts, from, text}} with an ack; the
 * server broadcasts it to the room except the sender, so every message is delivered exactly once, to the peer.
 * {@code ts} is the generator's intended send time (nanoTime since start), so latency = delivery time - intended
 * send time includes any queueing in the generator itself (no coordinated omission).
 *
 * <p>Servers: {@code --targets label:port:pid,...} (driven one at a time, in alternating rounds A B B A ..., so
 * drifting background load hits each alike) or {@code --label L --port P --server-pid PID} for one server. The pid
 * is used to read the server's CPU time and RSS from /proc.
 *
 * <p>Phases (comma-separated {@code --phases}); each prints {@code key_<label>=value} lines on stdout:
 * <ul>
 *   <li>{@code throughput}: every client keeps {@code --window} messages in flight (a new one on each ack);
 *       delivered messages per second over {@code --rounds} windows of {@code --duration} s per server after
 *       {@code --warmup} s ({@code --settle} s before later rounds); the median window is the figure;</li>
 *   <li>{@code latency}: a paced open loop at each {@code --rate} (comma list) msg/s over all clients, same rounds;
 *       p50/p99 = median over the windows of each window's percentile (pooled percentiles also printed);
 *       {@code --timeline true} logs per-second percentiles;</li>
 *   <li>{@code idle}: server RSS (from /proc/&lt;pid&gt;/status after {@code GET /bench/gc}) before and after opening
 *       {@code --connections} idle, joined connections (comma-separated steps, cumulative), spread over source
 *       addresses 127.0.0.2..127.0.0.(1+{@code --sources}) to avoid ephemeral port exhaustion; {@code --hold S}
 *       keeps them open S seconds at the end (for a heap histogram).</li>
 * </ul>
 */
public final class LoadGenerator {
    private static final String NSP = "/bench";
    private static final String TEXT = "hello from the door, are you home? ring ring ring"; // ~50 bytes of chat text

    private final Map<String, String> opt;
    private final List<Target> targets = new ArrayList<>();
    private final long epoch = System.nanoTime();
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    // Counters: written on the event loop, read by the main thread. Only one target is driven at a time.
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    final Recorder latency = new Recorder(3_600_000_000_000L, 3);
    final Recorder perSecond = new Recorder(3_600_000_000_000L, 2); // --timeline true: per-second latency lines on stderr
    volatile boolean recordLatency;
    final boolean timeline;
    private final Map<String, String> results = new LinkedHashMap<>();

    /** A server under test. {@code closedLoop}: its clients send the next message when an ack arrives. */
    static final class Target {
        final String label;
        final String host;
        final int port;
        final long pid;
        final URI wsUri;
        volatile boolean closedLoop;

        Target(String label, String host, int port, long pid) {
            this.label = label;
            this.host = host;
            this.port = port;
            this.pid = pid;
            this.wsUri = URI.create("ws://" + host + ":" + port + "/socket.io/?EIO=4&transport=websocket");
        }
    }

    LoadGenerator(Map<String, String> opt) {
        this.opt = opt;
        String host = opt.getOrDefault("host", "127.0.0.1");
        // --targets label:port:pid,label:port:pid (driven in alternation) or --label/--port/--server-pid (one server).
        if (opt.containsKey("targets")) {
            for (String t : opt.get("targets").split(",")) {
                String[] f = t.trim().split(":");
                targets.add(new Target(f[0], host, Integer.parseInt(f[1]), f.length > 2 ? Long.parseLong(f[2]) : 0));
            }
        } else {
            targets.add(new Target(opt.getOrDefault("label", "server"), host, Integer.parseInt(opt.getOrDefault("port", "3100")),
                    Long.parseLong(opt.getOrDefault("server-pid", "0"))));
        }
        this.timeline = Boolean.parseBoolean(opt.getOrDefault("timeline", "false"));
        // One event loop: the generator is pinned to one core, a second thread would only add context switches.
        this.group = new MultiThreadIoEventLoopGroup(Integer.parseInt(opt.getOrDefault("threads", "1")), NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    private static ChannelInitializer<SocketChannel> initializer(Client client) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // No UTF-8 validation of server frames: it is the generator's largest Java-side cost and the servers are trusted here.
                var config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(client.target.wsUri).version(WebSocketVersion.V13)
                        .maxFramePayloadLength(1 << 20).withUTF8Validator(false).handleCloseFrames(true).dropPongFrames(true).build();
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(config), client);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            opt.put(args[i].substring(2), args[++i]);
        }
        var gen = new LoadGenerator(opt);
        int code = 0;
        try {
            for (String phase : opt.getOrDefault("phases", "throughput,latency").split(",")) {
                switch (phase.trim()) {
                    case "throughput" -> gen.throughput();
                    case "latency" -> gen.latency();
                    case "idle" -> gen.idle();
                    default -> throw new IllegalArgumentException("unknown phase " + phase);
                }
            }
        } catch (Exception e) {
            log("phase failed: " + e);
            e.printStackTrace();
            code = 1;
        } finally {
            gen.results.forEach((k, v) -> System.out.println(k + "=" + v));
            System.out.flush();
            gen.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        System.exit(code);
    }

    // ------------------------------------------------------------------ phases

    /** Result of one measured window on one target. */
    private record Window(double rate, double acksPerSec, long[] genCpu, long[] serverCpu, double secs, Histogram latency) {
        String genPct() { return cpuPct(genCpu, secs); }
        String serverPct() { return cpuPct(serverCpu, secs); }
    }

    /** Round r drives the targets in order on even rounds and in reverse on odd ones (A B B A ...): same exposure to drift. */
    private List<Target> order(int round) {
        List<Target> o = new ArrayList<>(targets);
        if (round % 2 == 1) java.util.Collections.reverse(o);
        return o;
    }

    void throughput() throws Exception {
        int rooms = intOpt("rooms", 250);
        int window = intOpt("window", 16);
        int rounds = intOpt("rounds", 1);
        double warmup = dblOpt("warmup", 5), settle = dblOpt("settle", 2), duration = dblOpt("duration", 10);
        Map<Target, List<Client>> clients = new LinkedHashMap<>();
        for (Target t : targets) clients.put(t, connectRooms(t, rooms, 0, 1));
        log("throughput: " + rooms * 2 + " clients per server, window " + window + " per client, " + rounds + " round(s) of "
                + duration + " s per server, warmup " + warmup + " s (then " + settle + " s before each later round)");
        Map<Target, List<Window>> windows = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Target t : order(r)) {
                Window w = closedLoopWindow(t, clients.get(t), window, r == 0 ? warmup : settle, duration);
                windows.computeIfAbsent(t, k -> new ArrayList<>()).add(w);
                log(String.format(Locale.ROOT, "throughput %s round %d: %.0f msg/s delivered, %.0f acks/s, p50 %s ms p99 %s ms, server CPU %s%%, generator CPU %s%%",
                        t.label, r + 1, w.rate, w.acksPerSec, ms(w.latency.getValueAtPercentile(50)), ms(w.latency.getValueAtPercentile(99)),
                        w.serverPct(), w.genPct()));
            }
        }
        for (Target t : targets) {
            List<Window> ws = new ArrayList<>(windows.get(t));
            ws.sort(java.util.Comparator.comparingDouble(Window::rate));
            Window median = ws.get(ws.size() / 2);
            Histogram all = new Histogram(3);
            for (Window w : ws) all.add(w.latency);
            put("throughput_msgs_per_s", t, fmt0(median.rate));
            put("throughput_rounds", t, String.join("/", windows.get(t).stream().map(w -> fmt0(w.rate)).toList()));
            put("throughput_p50_ms", t, ms(all.getValueAtPercentile(50)));
            put("throughput_p99_ms", t, ms(all.getValueAtPercentile(99)));
            put("gen_cpu_pct", t, median.genPct());
            put("server_cpu_pct", t, median.serverPct());
            log(String.format(Locale.ROOT, "throughput %s: median %.0f msg/s over %d round(s) (%s), server CPU %s%%, generator CPU %s%%",
                    t.label, median.rate, ws.size(), results.get("throughput_rounds_" + t.label), median.serverPct(), median.genPct()));
        }
        for (List<Client> cs : clients.values()) closeAll(cs);
    }

    /** Closed loop on one target: {@code window} messages in flight per client, a new one on each ack. */
    private Window closedLoopWindow(Target t, List<Client> clients, int window, double warmup, double duration) throws Exception {
        t.closedLoop = true;
        recordLatency = true;
        group.next().execute(() -> {
            long ts = now();
            for (Client c : clients) {
                for (int i = 0; i < window; i++) c.send(ts);
                c.flushIfNeeded();
            }
        });
        sleep(warmup);
        latency.getIntervalHistogram(); // drop warm-up samples
        long d0 = delivered.get(), a0 = acked.get(), t0 = System.nanoTime();
        long[] g0 = cpuTicks("self"), s0 = cpuTicks(String.valueOf(t.pid));
        sleep(duration);
        long d1 = delivered.get(), a1 = acked.get(), t1 = System.nanoTime();
        long[] g1 = cpuTicks("self"), s1 = cpuTicks(String.valueOf(t.pid));
        Histogram h = latency.getIntervalHistogram();
        t.closedLoop = false;
        recordLatency = false;
        drain();
        double secs = (t1 - t0) / 1e9;
        return new Window((d1 - d0) / secs, (a1 - a0) / secs, delta(g0, g1), delta(s0, s1), secs, h);
    }

    void latency() throws Exception {
        int rooms = intOpt("latency-rooms", 500);
        int rounds = intOpt("rounds", 1);
        double warmup = dblOpt("latency-warmup", 3), settle = dblOpt("latency-settle", 1), duration = dblOpt("latency-duration", 10);
        Map<Target, List<Client>> clients = new LinkedHashMap<>();
        for (Target t : targets) clients.put(t, connectRooms(t, rooms, 1_000_000, 1));
        String[] rates = opt.getOrDefault("rate", "5000").split(",");
        for (int i = 0; i < rates.length; i++) {
            double rate = Double.parseDouble(rates[i].trim());
            Map<Target, List<Window>> windows = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                for (Target t : order(r)) {
                    Window w = pacedWindow(t, clients.get(t), rate, r == 0 ? warmup : settle, duration);
                    windows.computeIfAbsent(t, k -> new ArrayList<>()).add(w);
                    log(String.format(Locale.ROOT, "latency %s at %.0f msg/s round %d: p50 %s ms, p99 %s ms, max %s ms, server CPU %s%%, generator CPU %s%%",
                            t.label, rate, r + 1, ms(w.latency.getValueAtPercentile(50)), ms(w.latency.getValueAtPercentile(99)),
                            ms(w.latency.getMaxValue()), w.serverPct(), w.genPct()));
                }
            }
            for (Target t : targets) {
                Histogram all = new Histogram(3);
                double delivered = 0, secs = 0;
                long[] gen = {0}, srv = {0};
                for (Window w : windows.get(t)) {
                    all.add(w.latency);
                    delivered += w.rate * w.secs;
                    secs += w.secs;
                    gen[0] += w.genCpu == null ? 0 : w.genCpu[0];
                    srv[0] += w.serverCpu == null ? 0 : w.serverCpu[0];
                }
                String at = "_at_" + fmt0(rate);
                // Headline percentiles: the median over rounds of each window's percentile, so one window hit by a
                // burst of background load on a shared machine does not decide the figure; pooled ones are kept too.
                String p50 = ms(medianOf(windows.get(t), 50)), p99 = ms(medianOf(windows.get(t), 99));
                String rounds99 = String.join("/", windows.get(t).stream().map(w -> ms(w.latency.getValueAtPercentile(99))).toList());
                if (i == 0) {
                    put("offered_load_msgs_per_s", t, fmt0(rate));
                    put("p50_ms", t, p50);
                    put("p99_ms", t, p99);
                    put("p99_pooled_ms", t, ms(all.getValueAtPercentile(99)));
                    put("p999_pooled_ms", t, ms(all.getValueAtPercentile(99.9)));
                    put("max_ms", t, ms(all.getMaxValue()));
                    put("p99_rounds_ms", t, rounds99);
                }
                put("p50_ms" + at, t, p50);
                put("p99_ms" + at, t, p99);
                put("p99_pooled_ms" + at, t, ms(all.getValueAtPercentile(99)));
                put("p99_rounds_ms" + at, t, rounds99);
                put("delivered_per_s" + at, t, fmt0(delivered / secs));
                put("gen_cpu_pct" + at, t, cpuPct(gen, secs));
                put("server_cpu_pct" + at, t, cpuPct(srv, secs));
                log(String.format(Locale.ROOT, "latency %s at %.0f msg/s: median of rounds p50 %s ms, p99 %s ms (rounds %s); pooled p99 %s ms, p99.9 %s ms, max %s ms (%d samples, %.0f delivered/s), server CPU %s%%, generator CPU %s%%",
                        t.label, rate, p50, p99, rounds99, ms(all.getValueAtPercentile(99)), ms(all.getValueAtPercentile(99.9)), ms(all.getMaxValue()), all.getTotalCount(),
                        delivered / secs, cpuPct(srv, secs), cpuPct(gen, secs)));
            }
        }
        for (List<Client> cs : clients.values()) closeAll(cs);
    }

    private static long medianOf(List<Window> ws, double percentile) {
        long[] v = ws.stream().mapToLong(w -> w.latency.getValueAtPercentile(percentile)).sorted().toArray();
        return v[v.length / 2];
    }

    /** Open loop on one target at {@code rate} msg/s spread round-robin over its clients. */
    private Window pacedWindow(Target t, List<Client> clients, double rate, double warmup, double duration) throws Exception {
        recordLatency = true;
        var loop = group.next();
        long start = System.nanoTime();
        long totalNanos = (long) ((warmup + duration) * 1e9);
        long warmEnd = start + (long) (warmup * 1e9);
        long n = 0, d0 = 0, t0 = 0;
        long[] g0 = null, s0 = null;
        boolean measuring = false;
        long nextTick = start + 1_000_000_000L;
        // Pacer: every ~0.5 ms hand the event loop the messages that are due; each carries its intended send time.
        while (true) {
            long now = System.nanoTime();
            if (now - start >= totalNanos) break;
            if (!measuring && now >= warmEnd) {
                latency.getIntervalHistogram();
                d0 = delivered.get();
                t0 = now;
                g0 = cpuTicks("self");
                s0 = cpuTicks(String.valueOf(t.pid));
                measuring = true;
            }
            if (timeline && now >= nextTick) {
                nextTick += 1_000_000_000L;
                Histogram sec = perSecond.getIntervalHistogram();
                log(String.format(Locale.ROOT, "  %s t=%.0fs n=%d p50=%s p99=%s max=%s ms", t.label, (now - start) / 1e9, sec.getTotalCount(),
                        ms(sec.getValueAtPercentile(50)), ms(sec.getValueAtPercentile(99)), ms(sec.getMaxValue())));
            }
            long due = (long) ((now - start) / 1e9 * rate);
            if (due > n) {
                final long from = n, to = due;
                loop.execute(() -> {
                    for (long i = from; i < to; i++) {
                        long intended = start + (long) (i * 1e9 / rate) - epoch;
                        clients.get((int) (i % clients.size())).send(intended);
                    }
                    for (Client c : clients) c.flushIfNeeded();
                });
                n = due;
            }
            TimeUnit.MICROSECONDS.sleep(500);
        }
        long t1 = System.nanoTime();
        long[] g1 = cpuTicks("self"), s1 = cpuTicks(String.valueOf(t.pid));
        long deliveredInWindow = delivered.get() - d0;
        drain();
        recordLatency = false;
        Histogram h = latency.getIntervalHistogram();
        double secs = (t1 - t0) / 1e9;
        return new Window(deliveredInWindow / secs, 0, delta(g0, g1), delta(s0, s1), secs, h);
    }

    void idle() throws Exception {
        Target t = targets.getFirst();
        if (t.pid <= 0) throw new IllegalArgumentException("idle phase needs --server-pid");
        int sources = intOpt("sources", 8);
        List<Integer> steps = new ArrayList<>();
        for (String s : opt.getOrDefault("connections", "10000").split(",")) steps.add(Integer.parseInt(s.trim()));
        // Warm-up: open and close a batch first, so the baseline already includes warmed code, caches and
        // touched young-generation pages; the delta then measures what connections retain.
        List<Client> warm = connectRooms(t, Math.max(1, Math.min(500, steps.getFirst() / 10)), 2_000_000, sources);
        closeAll(warm);
        sleep(dblOpt("idle-settle", 2));
        var base = gcAndRss(t);
        log("idle " + t.label + ": baseline RSS " + base.rssKb + " kB, heap used " + base.heapUsed / 1024 + " kB");
        List<Client> open = new ArrayList<>();
        int roomBase = 3_000_000;
        for (int step : steps) {
            int more = (step - open.size()) / 2;
            if (more <= 0) continue;
            long t0 = System.nanoTime();
            List<Client> added = connectRooms(t, more, roomBase, sources);
            roomBase += more;
            open.addAll(added);
            log("idle " + t.label + ": " + open.size() + " connections open (" + fmt0(added.size() / ((System.nanoTime() - t0) / 1e9)) + " conn/s)");
            sleep(dblOpt("idle-settle", 2));
            var now = gcAndRss(t);
            double kbPerConn = (now.rssKb - base.rssKb) / (double) open.size();
            double heapKbPerConn = (now.heapUsed - base.heapUsed) / 1024.0 / open.size();
            String suffix = "_" + open.size();
            put("idle_conn_kb" + suffix, t, fmt1(kbPerConn));
            put("idle_conn_heap_kb" + suffix, t, fmt1(heapKbPerConn));
            put("idle_rss_mb" + suffix, t, fmt1(now.rssKb / 1024.0));
            put("idle_conn_kb", t, fmt1(kbPerConn));
            put("idle_conn_heap_kb", t, fmt1(heapKbPerConn));
            put("connections", t, String.valueOf(open.size()));
            log(String.format(Locale.ROOT, "idle %s: %d connections: RSS %d kB (+%d kB) = %.1f kB/conn; heap used +%.1f kB/conn",
                    t.label, open.size(), now.rssKb, now.rssKb - base.rssKb, kbPerConn, heapKbPerConn));
        }
        put("connect_failures", t, String.valueOf(connectFailures.get()));
        double hold = dblOpt("hold", 0); // keep the connections open a while, e.g. for `jcmd <pid> GC.class_histogram`
        if (hold > 0) {
            log("idle " + t.label + ": holding " + open.size() + " connections for " + hold + " s");
            sleep(hold);
        }
        closeAll(open);
    }

    // ------------------------------------------------------------------ connections

    /** Opens 2 clients per room (visitor, homeowner), each connected to /bench and joined; returns when all are joined. */
    private List<Client> connectRooms(Target target, int rooms, int roomBase, int sources) throws Exception {
        int n = rooms * 2;
        var ready = new CountDownLatch(n);
        var pending = new Semaphore(intOpt("connect-concurrency", 256));
        List<Client> clients = new ArrayList<>(n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(intOpt("connect-timeout", 120));
        for (int i = 0; i < n; i++) {
            if (!pending.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) throw new IOException("connect timed out");
            var c = new Client(this, target, "r" + (roomBase + i / 2), (i & 1) == 0 ? "v" : "h", ready, pending);
            clients.add(c);
            InetSocketAddress local = sources <= 1 ? null : new InetSocketAddress("127.0.0." + (2 + i % sources), 0);
            // The client handler goes in through the initializer so it always sits after the websocket handlers.
            var b = bootstrap.clone().handler(initializer(c));
            var remote = new InetSocketAddress(target.host, target.port);
            var f = local == null ? b.connect(remote) : b.connect(remote, local);
            c.channel = f.channel();
            f.addListener(r -> { if (!r.isSuccess()) c.fail("connect: " + r.cause()); });
        }
        if (!ready.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) throw new IOException("clients not joined in time: " + ready.getCount() + " left");
        long failed = clients.stream().filter(c -> c.state != Client.JOINED).count();
        if (failed > 0) throw new IOException(failed + " of " + n + " clients failed to connect/join (first: "
                + clients.stream().filter(c -> c.failure != null).map(c -> c.failure).findFirst().orElse("?") + ")");
        return clients;
    }

    /** Waits (bounded) until every message sent was acknowledged and delivered, so the next phase starts quiet. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (acked.get() < sent.get() || delivered.get() < sent.get())) Thread.sleep(20);
        if (acked.get() < sent.get()) log("drain: " + (sent.get() - acked.get()) + " acks missing after 10 s");
        if (delivered.get() != sent.get()) log("drain: sent " + sent.get() + " delivered " + delivered.get());
    }

    private void closeAll(List<Client> clients) throws InterruptedException {
        for (Client c : clients) if (c.channel != null) c.channel.close();
        for (Client c : clients) if (c.channel != null) c.channel.closeFuture().await(5, TimeUnit.SECONDS);
    }

    long now() {
        return System.nanoTime() - epoch;
    }

    void onDelivered(long ts) {
        delivered.incrementAndGet();
        if (recordLatency) {
            long d = now() - ts;
            if (d >= 0) {
                latency.recordValue(Math.min(d, 3_600_000_000_000L));
                if (timeline) perSecond.recordValue(Math.min(d, 3_600_000_000_000L));
            }
        }
    }

    // ------------------------------------------------------------------ measurement helpers

    private record Mem(long rssKb, long heapUsed) {}

    private Mem gcAndRss(Target t) throws Exception {
        long heapUsed = -1;
        // HTTP/1.1 only: an h2c upgrade header would be taken by the Node server as a websocket upgrade attempt.
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var res = http.send(HttpRequest.newBuilder(URI.create("http://" + t.host + ":" + t.port + "/bench/gc")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            var m = java.util.regex.Pattern.compile("\"heapUsed\":(\\d+)").matcher(res.body());
            if (m.find()) heapUsed = Long.parseLong(m.group(1));
        }
        Thread.sleep(500);
        for (String line : Files.readAllLines(Path.of("/proc/" + t.pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return new Mem(Long.parseLong(line.replaceAll("[^0-9]", "")), heapUsed);
        }
        throw new IOException("no VmRSS for pid " + t.pid);
    }

    /** utime+stime in clock ticks (USER_HZ, 100/s) of a process, or null if unreadable. */
    private static long[] cpuTicks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long[] delta(long[] a, long[] b) {
        return a == null || b == null ? null : new long[] {b[0] - a[0]};
    }

    private static String cpuPct(long[] ticks, double secs) {
        if (ticks == null || secs <= 0) return "n/a";
        return fmt0(ticks[0] / 100.0 / secs * 100);
    }

    private void put(String key, Target t, String value) {
        results.put(key + "_" + t.label, value);
    }

    private int intOpt(String k, int d) { return Integer.parseInt(opt.getOrDefault(k, String.valueOf(d))); }
    private double dblOpt(String k, double d) { return Double.parseDouble(opt.getOrDefault(k, String.valueOf(d))); }
    private static void sleep(double secs) throws InterruptedException { Thread.sleep((long) (secs * 1000)); }
    private static String ms(long nanos) { return String.format(Locale.ROOT, "%.2f", nanos / 1e6); }
    private static String fmt0(double v) { return String.format(Locale.ROOT, "%.0f", v); }
    private static String fmt1(double v) { return String.format(Locale.ROOT, "%.1f", v); }
    static void log(String s) { System.err.println("[gen] " + s); }

    // ------------------------------------------------------------------ one client

    /** One Socket.IO client on one websocket; all methods run on its event loop. */
    static final class Client extends ChannelInboundHandlerAdapter {
        static final int CONNECTING = 0, OPEN = 1, JOINING = 2, JOINED = 3, FAILED = 4;
        private static final byte[] PONG = "3".getBytes(StandardCharsets.US_ASCII);
        private final LoadGenerator gen;
        final Target target;
        private final String room;
        private final byte[] msgHead;     // 42/bench,
        private final byte[] msgBody;     // ["msg",{"from":"v","text":"...","ts":
        private final CountDownLatch ready;
        private final Semaphore pending;
        volatile int state = CONNECTING;
        volatile String failure;
        volatile Channel channel;
        private ChannelHandlerContext ctx;
        private int nextAckId = 1;
        private boolean needsFlush;

        Client(LoadGenerator gen, Target target, String room, String from, CountDownLatch ready, Semaphore pending) {
            this.gen = gen;
            this.target = target;
            this.room = room;
            this.ready = ready;
            this.pending = pending;
            this.msgHead = ("42" + NSP + ",").getBytes(StandardCharsets.US_ASCII);
            this.msgBody = ("[\"msg\",{\"from\":\"" + from + "\",\"text\":\"" + TEXT + "\",\"ts\":").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof TextWebSocketFrame frame)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            try {
                onPacket(frame.content());
            } finally {
                frame.release();
            }
        }

        private void onPacket(ByteBuf b) {
            int r = b.readerIndex();
            byte type = b.getByte(r);
            switch (type) {
                case '2' -> { write(PONG); needsFlush = true; }                       // Engine.IO ping -> pong
                case '0' -> { state = OPEN; writeText("40" + NSP + ","); needsFlush = true; } // open -> CONNECT /bench
                case '4' -> onSocketIo(b, r + 1);
                case '1' -> fail("engine.io close");
                default -> { }
            }
        }

        private void onSocketIo(ByteBuf b, int i) {
            byte t = b.getByte(i);
            switch (t) {
                case '0' -> { // CONNECT ok -> join (ack id 0)
                    state = JOINING;
                    writeText("42" + NSP + ",0[\"join\",{\"room\":\"" + room + "\"}]");
                    needsFlush = true;
                }
                case '3' -> {
                    if (state == JOINING) {
                        if (b.indexOf(i, b.writerIndex(), (byte) 't') < 0) { fail("join refused: " + b.toString(StandardCharsets.UTF_8)); return; }
                        state = JOINED;
                        pending.release();
                        ready.countDown();
                    } else {
                        gen.acked.incrementAndGet();
                        if (target.closedLoop) send(gen.now());
                    }
                }
                case '2' -> gen.onDelivered(parseTs(b, i));
                case '4' -> fail("CONNECT_ERROR " + b.toString(StandardCharsets.UTF_8));
                case '1' -> fail("server DISCONNECT");
                default -> { }
            }
        }

        /** Reads the number after "ts": (the last field of the payload). */
        private static long parseTs(ByteBuf b, int from) {
            int end = b.writerIndex();
            for (int i = end - 1; i > from + 4; i--) {
                if (b.getByte(i) == ':' && b.getByte(i - 1) == '"' && b.getByte(i - 2) == 's' && b.getByte(i - 3) == 't' && b.getByte(i - 4) == '"') {
                    long v = 0;
                    for (int j = i + 1; j < end; j++) {
                        byte c = b.getByte(j);
                        if (c < '0' || c > '9') break;
                        v = v * 10 + (c - '0');
                    }
                    return v;
                }
            }
            return -1;
        }

        /** Emits one msg with an ack id. Written, not flushed: the caller flushes (end of read batch or of pacer batch). */
        void send(long ts) {
            if (state != JOINED || !channel.isActive()) return;
            ByteBuf buf = ctx.alloc().buffer(msgHead.length + msgBody.length + 40);
            buf.writeBytes(msgHead);
            writeAscii(buf, nextAckId++);
            buf.writeBytes(msgBody);
            writeAscii(buf, ts);
            buf.writeByte('}').writeByte(']');
            ctx.write(new TextWebSocketFrame(buf), ctx.voidPromise());
            needsFlush = true;
            gen.sent.incrementAndGet();
        }

        void flushIfNeeded() {
            if (needsFlush) {
                needsFlush = false;
                ctx.flush();
            }
        }

        private static void writeAscii(ByteBuf buf, long v) {
            if (v < 0) { buf.writeByte('-'); v = -v; }
            if (v >= 10) writeAscii(buf, v / 10);
            buf.writeByte((int) ('0' + v % 10));
        }

        private void write(byte[] bytes) {
            ctx.write(new TextWebSocketFrame(ctx.alloc().buffer(bytes.length).writeBytes(bytes)), ctx.voidPromise());
        }

        private void writeText(String s) {
            write(s.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushIfNeeded();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (state != JOINED) fail("closed before joining");
            else gen.disconnects.incrementAndGet();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause.toString());
            ctx.close();
        }

        void fail(String why) {
            if (state == JOINED || state == FAILED) return;
            state = FAILED;
            failure = why;
            gen.connectFailures.incrementAndGet();
            pending.release();
            ready.countDown();
            if (channel != null) channel.close();
        }
    }
}
