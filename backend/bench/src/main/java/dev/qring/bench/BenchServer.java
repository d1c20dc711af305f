package dev.qring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.engineio.NettyHttpServer;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.SocketIoOptions;
import dev.qring.socketio.SocketIoServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Our side of `./qring bench`: the SAME handlers as bench/node-server.mjs (keep the two in step), on
 * {@link SocketIoServer} + {@link NettyHttpServer}, websocket transport only, defaults otherwise.
 * <ul>
 *   <li>{@code join {room}}: the socket joins the room, remembers it, acks {@code {ok:true}};</li>
 *   <li>{@code msg {...}}: {@code socket.to(room).emit("msg", payload)} (the other party, not the sender), acks {@code {ok:true}}.</li>
 * </ul>
 * {@code GET /bench/gc} runs a full GC and answers heap figures, so the harness can read a settled RSS.
 *
 * <p>Run: {@code java -cp backend/bench/target/classes:backend/bench/target/lib/* dev.qring.bench.BenchServer [port]}
 */
public final class BenchServer {
    private static final Map<String, Object> OK = Map.of("ok", true);
    private static final Map<String, Object> NOT_OK = Map.of("ok", false);
    private static final String ROOM = "room";

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : System.getenv().getOrDefault("BENCH_PORT", "3101"));
        String host = System.getenv().getOrDefault("BENCH_HOST", "127.0.0.1");
        var defaults = SocketIoOptions.defaults();
        // Websocket only, like the Node reference (transports: ['websocket']); everything else at defaults.
        var options = new SocketIoOptions(defaults.path(), defaults.pingInterval(), defaults.pingTimeout(), defaults.maxPayload(),
                defaults.connectTimeout(), defaults.corsOrigins(), false, false, defaults.outboundQueueLimit(),
                defaults.adapterFactory());
        SocketIoServer io = SocketIoServer.create(options);
        Namespace bench = io.of("/bench");
        bench.on("join", JsonNode.class, (socket, p, ack, a) -> {
            JsonNode room = p == null ? null : p.get(ROOM);
            if (room == null || !room.isTextual()) {
                ack.send(NOT_OK);
                return;
            }
            socket.join(room.asText());
            socket.data().put(ROOM, room.asText());
            ack.send(OK);
        });
        bench.on("msg", JsonNode.class, (socket, p, ack, a) -> {
            Object room = socket.data().get(ROOM);
            if (room != null) socket.to((String) room).emit("msg", p);
            ack.send(OK);
        });
        NettyHttpServer http = NettyHttpServer.start(new InetSocketAddress(host, port), 1 << 20, io.httpHandler(), new GcEndpoint());
        System.out.println("qring bench server on " + host + ":" + http.port() + " pid=" + ProcessHandle.current().pid()
                + " java=" + Runtime.version() + " cpus=" + Runtime.getRuntime().availableProcessors()
                + " args=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            io.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** {@code GET /bench/gc}: full GC, then heap figures as JSON. Other requests pass on. */
    @ChannelHandler.Sharable
    static final class GcEndpoint extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest req) || !req.uri().equals("/bench/gc")) {
                ctx.fireChannelRead(msg);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            req.release();
            System.gc();
            System.gc();
            Runtime rt = Runtime.getRuntime();
            String json = "{\"heapUsed\":" + (rt.totalMemory() - rt.freeMemory()) + ",\"heapTotal\":" + rt.totalMemory() + "}";
            var body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(res, body.readableBytes());
            HttpUtil.setKeepAlive(res, keepAlive);
            ctx.writeAndFlush(res);
        }
    }
}
