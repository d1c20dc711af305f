package dev.qring.domain.chat;

import dev.qring.domain.DomainSettings;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.QRingDomain;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.db.DatabaseSettings;
import dev.qring.domain.door.Door;
import dev.qring.domain.visitor.Created;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Durable-ack latency of {@link ChatService#send} at a fixed offered rate (open loop: latency is measured from the
 * moment each send was DUE, so a stall is not hidden by the generator waiting). Service level: no network, no
 * Socket.IO — it isolates what the database and the group commit cost.
 *
 * <pre>
 * java -cp &lt;qring-domain + deps&gt; dev.qring.domain.chat.DurableAckBench \
 *     --url postgresql://postgres@127.0.0.1:PORT/db   (absent: embedded H2 in a temp dir)
 *     [--rate 2000] [--seconds 10] [--warmup 2] [--sessions 100]
 * </pre>
 * Prints one line per figure ({@code key=value}) on stdout: {@code durable_ack_p50_ms}, {@code durable_ack_p99_ms},
 * {@code durable_ack_p999_ms}, {@code durable_ack_max_ms}, {@code durable_ack_sent}, {@code durable_ack_failed},
 * {@code durable_ack_rate}, {@code durable_ack_mean_batch} (messages per transaction), and
 * {@code durable_ack_service_p50_ms}/{@code _p99_ms} (from the actual send() call, i.e. without the generator's own
 * lateness — on a busy machine the difference shows how much of the tail is the load generator); exits 0 when every send was acknowledged as saved.
 */
public final class DurableAckBench {
    private DurableAckBench() { }

    public static void main(String[] args) throws Exception {
        String url = null;
        int rate = 2000, seconds = 10, warmup = 2, sessionsCount = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--sessions" -> sessionsCount = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        DatabaseSettings db = url == null ? DatabaseSettings.embedded(Files.createTempDirectory("qring-ackbench"))
                : DatabaseSettings.postgres(url);
        DomainSettings.Limits limits = new DomainSettings.Limits(1000, Duration.ofMinutes(1), 100_000, Duration.ofMinutes(1),
                100_000, Duration.ofMinutes(1), Duration.ofDays(1));
        try (QRingDomain domain = QRingDomain.start(new DomainSettings(db, "http://bench.invalid", Duration.ofHours(1),
                Duration.ofHours(6), Duration.ofSeconds(2), null, limits))) {
            String email = "bench-" + UUID.randomUUID() + "@example.com";
            HomeownerPrincipal home = domain.accounts().signup(email, "bench password 123", "Bench")
                    .thenCompose(a -> domain.accounts().authenticate(a.token())).join().orElseThrow();
            Door door = domain.doors().create(home, "Bench door").join();
            List<Principal[]> parties = new ArrayList<>();
            List<UUID> sessionIds = new ArrayList<>();
            for (int i = 0; i < sessionsCount; i++) {
                Created c = domain.sessions().create(door.qrSlug(), "bench-" + i, "Visitor " + i, "", "bench").join();
                VisitorPrincipal v = domain.sessions().authenticateVisitor(c.visitorToken()).join().orElseThrow();
                domain.sessions().accept(home, c.session().id()).join();
                parties.add(new Principal[]{v, home});
                sessionIds.add(c.session().id());
            }
            run(domain, parties, sessionIds, rate, warmup, false);
            Result r = run(domain, parties, sessionIds, rate, seconds, true);
            System.out.printf(Locale.ROOT, "durable_ack_p50_ms=%.2f%n", r.pct(50));
            System.out.printf(Locale.ROOT, "durable_ack_p99_ms=%.2f%n", r.pct(99));
            System.out.printf(Locale.ROOT, "durable_ack_p999_ms=%.2f%n", r.pct(99.9));
            System.out.printf(Locale.ROOT, "durable_ack_max_ms=%.2f%n", r.pct(100));
            System.out.printf(Locale.ROOT, "durable_ack_service_p50_ms=%.2f%n", r.servicePct(50));
            System.out.printf(Locale.ROOT, "durable_ack_service_p99_ms=%.2f%n", r.servicePct(99));
            System.out.printf(Locale.ROOT, "durable_ack_sent=%d%n", r.sent);
            System.out.printf(Locale.ROOT, "durable_ack_failed=%d%n", r.failed);
            System.out.printf(Locale.ROOT, "durable_ack_rate=%d%n", rate);
            System.out.printf(Locale.ROOT, "durable_ack_db=%s%n", url == null ? "h2" : "postgresql");
            ChatService.Stats st = domain.chat().stats();
            System.out.printf(Locale.ROOT, "durable_ack_mean_batch=%.2f%n", st.batches() == 0 ? 0.0 : st.stored() / (double) st.batches());
            System.exit(r.failed == 0 ? 0 : 1);
        }
    }

    private record Result(long[] latNanos, long[] serviceNanos, int sent, long failed) {
        double pct(double p) { return pct(latNanos, p); }

        double servicePct(double p) { return pct(serviceNanos, p); }

        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) return Double.NaN;
            int idx = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, idx)] / 1e6;
        }
    }

    private static Result run(QRingDomain domain, List<Principal[]> parties, List<UUID> sessionIds, int rate, int seconds,
                              boolean measure) throws InterruptedException {
        int total = rate * seconds;
        long[] lat = new long[total];
        long[] svc = new long[total]; // from the actual send() call: excludes the generator's own lateness
        AtomicInteger done = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            // Sleep only when at least 1 ms ahead and send everything due on waking (fewer timer wake-ups on a 2-core
            // machine shared with PostgreSQL); latency counts from the due time, so any lateness still shows.
            if (wait > 1_000_000) LockSupport.parkNanos(wait);
            int s = i % sessionIds.size();
            Principal p = parties.get(s)[(i / sessionIds.size()) % 2];
            final int slot = i;
            long submitted = System.nanoTime();
            domain.chat().send(p, sessionIds.get(s), run + "-" + i, "bench message " + i).whenComplete((r, t) -> {
                long now = System.nanoTime();
                lat[slot] = now - due;
                svc[slot] = now - submitted;
                if (t != null) failed.incrementAndGet();
                done.incrementAndGet();
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (done.get() < total && System.nanoTime() < deadline) Thread.sleep(10);
        long[] sorted = Arrays.copyOf(lat, done.get());
        Arrays.sort(sorted);
        long[] sortedSvc = Arrays.copyOf(svc, done.get());
        Arrays.sort(sortedSvc);
        return new Result(measure ? sorted : new long[0], measure ? sortedSvc : new long[0], total,
                failed.get() + (total - done.get()));
    }
}
