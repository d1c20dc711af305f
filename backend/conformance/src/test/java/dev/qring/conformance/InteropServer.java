package dev.qring.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.qring.engineio.NettyHttpServer;
import dev.qring.socketio.BroadcastOperator;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import dev.qring.socketio.SocketIoOptions;
import dev.qring.socketio.SocketIoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Our Socket.IO server with the handlers the interop tests (src/test/js/interop) drive with the official
 * socket.io-client. {@code src/test/js/reference/interop-server.mjs} is the same server on Node's socket.io: the
 * JS tests pass against both. Everything the handlers see is recorded in {@link #events} so tests can check
 * the server side too.
 *
 * <p>Namespaces: "/" (echo, acks both ways, binary, rooms, disconnects), "/custom" (emits "auth" with the
 * handshake auth on connect), "/guarded" (middleware admits only auth.token == "letmein", else refuses with
 * {@code {message: "not authorized", data: {code: "bad_token", retry: false}}}). Any other namespace is invalid.
 */
final class InteropServer implements AutoCloseable {
    /** One thing a handler saw: {@code kind} ("connect", "disconnect", "echo", "ack-reply", ...), namespace, detail. */
    record Event(String kind, String nsp, String detail, List<JsonNode> args) { }

    final Queue<Event> events = new ConcurrentLinkedQueue<>();
    final SocketIoServer io;
    final NettyHttpServer http;
    /** Clients that must lose their connection abruptly connect through this proxy ("drop-transport"). */
    final TcpCutProxy proxy;

    InteropServer() {
        this(SocketIoOptions.defaults());
    }

    InteropServer(SocketIoOptions options) {
        io = SocketIoServer.create(options);
        Namespace root = io.of("/");
        common(root);
        root.on("ask", JsonNode.class, (s, p, ack, args) -> {
            List<Object> emitArgs = new ArrayList<>();
            p.path("args").forEach(emitArgs::add);
            String event = p.path("event").asText();
            s.emitWithAck(event, Duration.ofMillis(p.path("timeoutMs").asLong(1000)), emitArgs.toArray())
                    .whenComplete((reply, err) -> {
                        if (err == null) {
                            events.add(new Event("ack-reply", s.namespace().name(), event, reply));
                            ack.send(Map.of("ok", true, "reply", reply));
                        } else {
                            events.add(new Event("ack-error", s.namespace().name(), event + " " + cause(err).getClass().getSimpleName(), List.of()));
                            ack.send(Map.of("ok", false, "error", "timeout"));
                        }
                    });
        });
        root.on("server-binary", JsonNode.class, (s, p, ack, args) -> {
            Map<String, Object> nested = new LinkedHashMap<>();
            nested.put("list", List.of(new byte[] {4, 5}, "x"));
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("data", new byte[] {1, 2, 3});
            obj.put("nested", nested);
            s.emit("bin-event", obj, new byte[] {6});
            s.emitWithAck("bin-ask", Duration.ofSeconds(2), (Object) new byte[] {9, 8, 7}).whenComplete((reply, err) -> {
                if (err == null) {
                    events.add(new Event("ack-reply", "/", "bin-ask", reply));
                    ack.send(Map.of("ok", true, "reply", reply));
                } else {
                    ack.send(Map.of("ok", false, "error", String.valueOf(cause(err))));
                }
            });
        });
        // the client's network "enters a tunnel": nothing flows any more on its current connections, nothing is closed
        root.on("black-hole", JsonNode.class, (s, p, ack, args) -> {
            ack.send();
            Thread.ofVirtual().start(() -> {
                sleep(50);
                blackHoleProxiedConnections(Duration.ofMillis(p.path("closeAfterMs").asLong(3000)));
            });
        });
        // a client that stops reading: the proxy stops taking what the server sends on the current proxied connections
        root.on("stall-me", JsonNode.class, (s, p, ack, args) -> {
            ack.send();
            Thread.ofVirtual().start(() -> {
                sleep(50);
                stallProxiedConnections();
            });
        });
        root.on("release-stalls", JsonNode.class, (s, p, ack, args) -> { releaseProxiedStalls(); ack.send(); });
        root.on("flood", JsonNode.class, (s, p, ack, args) -> {
            String pad = "f".repeat(p.path("size").asInt(1000));
            BroadcastOperator op = root.to(p.path("room").asText());
            for (int i = 0; i < p.path("count").asInt(); i++) op.emit("flood", i, pad);
            ack.send();
        });
        root.on("burst", JsonNode.class, (s, p, ack, args) -> {
            String event = p.path("event").asText();
            String pad = "x".repeat(100);
            for (int i = 0; i < p.path("count").asInt(); i++) s.emit(event, i, pad);
            ack.send();
        });
        root.on("join", String.class, (s, room, ack, args) -> { s.join(room); ack.send(roomsOf(s)); });
        root.on("leave", String.class, (s, room, ack, args) -> { s.leave(room); ack.send(roomsOf(s)); });
        root.on("to-room", JsonNode.class, (s, p, ack, args) -> {
            BroadcastOperator op = root.to(p.path("room").asText());
            if (p.hasNonNull("except")) op = op.except(p.get("except").asText());
            op.emit(p.path("event").asText(), p.path("payload"));
            ack.send();
        });
        root.on("socket-to-room", JsonNode.class, (s, p, ack, args) -> {
            s.to(p.path("room").asText()).emit(p.path("event").asText(), p.path("payload"));
            ack.send();
        });
        root.on("everyone", JsonNode.class, (s, p, ack, args) -> {
            root.emit(p.path("event").asText(), p.path("payload"));
            ack.send();
        });
        root.on("stats", JsonNode.class, (s, p, ack, args) -> ack.send(Map.of(
                "openConnections", io.stats().openConnections(), "connectionsTotal", io.stats().connectionsTotal(),
                "slowClientDisconnects", io.stats().slowClientDisconnects())));
        root.on("never-acks", JsonNode.class, (s, p, ack, args) -> events.add(new Event("never-acks", "/", "", args)));
        root.on("disconnect-me", JsonNode.class, (s, p, ack, args) -> s.disconnect(p.path("close").asBoolean(false)));
        root.on("drop-transport", JsonNode.class, (s, p, ack, args) -> {
            ack.send();
            Thread.ofVirtual().start(() -> {
                sleep(50);
                cutProxiedConnections();
            });
        });

        Namespace custom = io.of("/custom");
        common(custom);
        // like Node's server (and the conformance mode): a CONNECT without payload means auth {}; our Handshake
        // reports it as NullNode
        custom.onConnection(s -> s.emit("auth", s.handshake().auth().isNull() ? Map.of() : s.handshake().auth()));

        Namespace guarded = io.of("/guarded");
        common(guarded);
        guarded.use((s, next) -> {
            JsonNode auth = s.handshake().auth();
            if ("letmein".equals(auth.path("token").asText(null))) {
                s.data().put("user", "alice");
                events.add(new Event("admitted", "/guarded", auth.toString(), List.of()));
                next.accept();
            } else {
                events.add(new Event("refused", "/guarded", auth.toString(), List.of()));
                next.refuse("not authorized", Map.of("code", "bad_token", "retry", false));
            }
        });
        guarded.onConnection(s -> s.emit("welcome", Map.of("user", s.data().get("user"))));

        http = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), 2_000_000, io.httpHandler());
        try {
            proxy = new TcpCutProxy(new InetSocketAddress("127.0.0.1", http.port()));
        } catch (IOException e) {
            http.close();
            throw new UncheckedIOException(e);
        }
    }

    private void common(Namespace ns) {
        String name = ns.name();
        ns.onConnection(s -> events.add(new Event("connect", name, s.handshake().auth().toString()
                + " transport=" + first(s.handshake().query().get("transport")), List.of())));
        ns.onDisconnect((s, reason) -> events.add(new Event("disconnect", name, reason, List.of())));
        ns.on("echo", JsonNode.class, (s, p, ack, args) -> {
            events.add(new Event("echo", name, "", args));
            ack.send(args.toArray());
        });
        ns.on("slow-echo", JsonNode.class, (s, p, ack, args) -> Thread.ofVirtual().start(() -> {
            sleep(50); // like a handler that did blocking work off the event loop
            ack.send(args.toArray());
        }));
        ns.on("echo-event", JsonNode.class, (s, p, ack, args) -> s.emit("echo-back", args.toArray()));
        ns.on("whoami", JsonNode.class, (s, p, ack, args) -> {
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("id", s.id());
            who.put("nsp", s.namespace().name());
            who.put("auth", s.handshake().auth() == null ? NullNode.getInstance() : s.handshake().auth());
            who.put("transport", first(s.handshake().query().get("transport")));
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("door", first(s.handshake().query().get("door")));
            who.put("query", query);
            who.put("header", s.handshake().header("x-qring-test"));
            ack.send(who);
        });
    }

    private void cutProxiedConnections() { proxy.cutAll(); }

    private void stallProxiedConnections() { proxy.stallServerToClient(); }

    private void releaseProxiedStalls() { proxy.releaseStalls(); }

    private void blackHoleProxiedConnections(Duration closeAfter) { proxy.blackHoleAll(closeAfter); }

    String url() { return "http://127.0.0.1:" + http.port(); }

    String proxiedUrl() { return "http://127.0.0.1:" + proxy.port(); }

    List<Event> events(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }

    private static List<String> roomsOf(Socket s) {
        TreeSet<String> rooms = new TreeSet<>(s.rooms());
        rooms.remove(s.id());
        return List.copyOf(rooms);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    @Override
    public void close() {
        proxy.close();
        io.close();
        http.close();
    }
}
