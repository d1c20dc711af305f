package dev.qring.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.qring.engineio.EngineIoOptions;
import dev.qring.engineio.EngineIoServer;
import dev.qring.engineio.EngineSocket;
import dev.qring.engineio.NettyHttpServer;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.SocketIoOptions;
import dev.qring.socketio.SocketIoServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Servers for the official protocol test suites (socketio/socket.io-protocol and socketio/engine.io-protocol
 * {@code test-suite/}): port 3000 (env PORT overrides), pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000,
 * connect timeout 1000 ms, CORS origin "*".
 * <ul>
 *   <li>{@code socketio}: Socket.IO at /socket.io/; namespaces "/" and "/custom" emit {@code auth} with the handshake
 *       auth on connect, answer {@code message} with {@code message-back} (same arguments) and acknowledge
 *       {@code message-with-ack} with the same arguments. Other namespaces are refused ("Invalid namespace").</li>
 *   <li>{@code engineio}: plain Engine.IO at /engine.io/, echoing every text and binary message.</li>
 * </ul>
 */
public final class ConformanceMain {
    static final Duration PING_INTERVAL = Duration.ofMillis(300);
    static final Duration PING_TIMEOUT = Duration.ofMillis(200);
    static final int MAX_PAYLOAD = 1_000_000;

    private ConformanceMain() { }

    public static void main(String[] args) throws InterruptedException {
        String mode = args.length > 0 ? args[0] : "";
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3000"));
        AutoCloseable server = switch (mode) {
            case "socketio" -> startSocketIo(port);
            case "engineio" -> startEngineIo(port);
            default -> {
                System.err.println("usage: ConformanceMain socketio|engineio");
                System.exit(2);
                yield null;
            }
        };
        System.out.println("conformance " + mode + " server listening on port " + port);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { server.close(); } catch (Exception ignored) { }
            stop.countDown();
        }));
        stop.await();
    }

    /** Starts the Socket.IO conformance server; close the result to stop it. */
    public static AutoCloseable startSocketIo(int port) {
        SocketIoServer io = SocketIoServer.create(SocketIoOptions.defaults()
                .withPing(PING_INTERVAL, PING_TIMEOUT)
                .withMaxPayload(MAX_PAYLOAD)
                .withConnectTimeout(Duration.ofMillis(1000))
                .withCorsOrigins(List.of("*")));
        for (String name : List.of("/", "/custom")) {
            Namespace ns = io.of(name);
            ns.onConnection(socket -> {
                JsonNode auth = socket.handshake().auth();
                socket.emit("auth", auth == null || auth.isNull() ? JsonNodeFactory.instance.objectNode() : auth);
            });
            ns.on("message", JsonNode.class, (socket, payload, ack, all) -> socket.emit("message-back", all.toArray()));
            ns.on("message-with-ack", JsonNode.class, (socket, payload, ack, all) -> ack.send(all.toArray()));
        }
        NettyHttpServer http = NettyHttpServer.start(new InetSocketAddress(port), MAX_PAYLOAD + 1024, io.httpHandler());
        return () -> {
            io.close();
            http.close();
        };
    }

    /** Starts the Engine.IO echo server; close the result to stop it. */
    public static AutoCloseable startEngineIo(int port) {
        EngineIoOptions options = EngineIoOptions.defaults()
                .withPath("/engine.io/")
                .withPing(PING_INTERVAL, PING_TIMEOUT)
                .withMaxPayload(MAX_PAYLOAD)
                .withCorsOrigins(List.of("*"));
        EngineIoServer engine = new EngineIoServer(options, socket -> socket.setListener(new EngineSocket.Listener() {
            @Override public void onMessage(EngineSocket s, String text) { s.send(text); }
            @Override public void onBinary(EngineSocket s, byte[] data) { s.sendBinary(data); }
            @Override public void onClose(EngineSocket s, String reason) { }
        }));
        NettyHttpServer http = NettyHttpServer.start(new InetSocketAddress(port), MAX_PAYLOAD + 1024, engine.httpHandler());
        return () -> {
            engine.close();
            http.close();
        };
    }
}
