package dev.qring.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.qring.engineio.NettyHttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Socket.IO v5 protocol behaviour (socketio/socket.io-protocol), driven with raw Engine.IO websocket / polling
 * clients: every packet type, namespaces, middleware, acks both ways, binary both ways, rooms, disconnect reasons,
 * malformed input, connect timeout, slow readers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketIoServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record RoomMessage(String room, String except, String text) { }

    SocketIoServer io;
    NettyHttpServer http;
    String wsUrl, httpUrl;
    /** disconnect reason by socket id */
    final Map<String, CompletableFuture<String>> reasons = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<String>> serverAckResults = new ConcurrentHashMap<>();

    CompletableFuture<String> reasonOf(String sid) { return reasons.computeIfAbsent(sid, k -> new CompletableFuture<>()); }

    @BeforeAll
    void start() {
        LeakCheck.enable();
        io = SocketIoServer.create(SocketIoOptions.defaults()
                .withPing(Duration.ofMillis(300), Duration.ofMillis(1000))
                .withConnectTimeout(Duration.ofMillis(1500))
                .withMaxPayload(100_000)
                .withOutboundQueueLimit(64 * 1024));
        for (String name : List.of("/", "/custom")) {
            Namespace ns = io.of(name);
            ns.onConnection(s -> s.emit("auth", s.handshake().auth().isNull() ? Map.of() : s.handshake().auth()));
            ns.on("message", JsonNode.class, (s, p, ack, args) -> s.emit("message-back", args.toArray()));
            ns.on("message-with-ack", JsonNode.class, (s, p, ack, args) -> ack.send(args.toArray()));
            ns.on("join", String.class, (s, room, ack, args) -> { s.join(room); ack.send(s.rooms().contains(room)); });
            ns.on("leave", String.class, (s, room, ack, args) -> { s.leave(room); ack.send(s.rooms().contains(room)); });
            ns.on("to-room", RoomMessage.class, (s, m, ack, args) -> {
                if (m.except() != null) s.namespace().to(m.room()).except(m.except()).emit("room-msg", m.text());
                else s.to(m.room()).emit("room-msg", m.text());
                ack.send("sent");
            });
            ns.on("everyone", String.class, (s, text, ack, args) -> s.namespace().emit("all-msg", text));
            ns.on("ask-me", Integer.class, (s, timeoutMs, ack, args) ->
                    s.emitWithAck("question", Duration.ofMillis(timeoutMs), "q1", new byte[]{7})
                            .whenComplete((res, err) -> serverAckResults.computeIfAbsent(s.id(), k -> new CompletableFuture<>())
                                    .complete(err != null ? "error:" + err.getClass().getSimpleName() : res.toString())));
            ns.on("binary-please", JsonNode.class, (s, p, ack, args) ->
                    s.emit("bin", new byte[]{1, 2}, Map.of("nested", new byte[]{3}), "text"));
            ns.on("disconnect-me", JsonNode.class, (s, p, ack, args) -> s.disconnect(false));
            ns.on("close-me", JsonNode.class, (s, p, ack, args) -> s.disconnect(true));
            ns.on("data-put", String.class, (s, v, ack, args) -> { s.data().put("v", v); ack.send(); });
            ns.on("data-get", JsonNode.class, (s, p, ack, args) -> ack.send(s.data().get("v")));
            ns.on("flood", Integer.class, (s, n, ack, args) -> {
                String kb = "y".repeat(1024);
                for (int i = 0; i < n; i++) s.emit("flood", kb);
            });
            ns.onDisconnect((s, reason) -> reasonOf(s.id()).complete(reason));
        }
        Namespace guarded = io.of("/guarded");
        guarded.use((s, next) -> {
            JsonNode token = s.handshake().auth().get("token");
            if (token != null && token.asText().equals("ok")) next.accept();
            else next.refuse("not authorized", Map.of("code", "E_AUTH"));
        });
        guarded.onConnection(s -> s.emit("welcome"));
        Namespace slow = io.of("/async");
        slow.use((s, next) -> Thread.ofVirtual().start(() -> {
            EngineTestUtil.sleep(50);
            next.accept();
        }));
        slow.use((s, next) -> { s.data().put("second", true); next.accept(); });
        slow.onConnection(s -> s.emit("ready", s.data().get("second")));
        http = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, io.httpHandler());
        wsUrl = "ws://127.0.0.1:" + http.port() + "/socket.io/?EIO=4&transport=websocket";
        httpUrl = "http://127.0.0.1:" + http.port() + "/socket.io/?EIO=4&transport=polling";
    }

    @AfterAll
    void stop() {
        LeakCheck.assertNoLeaks();
        io.close();
        http.close();
    }

    // ---------------- helpers ----------------

    /** Engine.IO-open websocket, nothing sent yet. */
    RawWs open() {
        RawWs ws = RawWs.connect(wsUrl);
        assertThat(ws.nextText()).startsWith("0{");
        return ws;
    }

    /** Connected to the namespace; returns the socket id. Consumes the CONNECT answer and the "auth" event. */
    String connect(RawWs ws, String nsp, String auth) {
        String prefix = nsp.equals("/") ? "" : nsp + ",";
        ws.send("40" + prefix + (auth == null ? "" : auth));
        String answer = ws.nextText();
        assertThat(answer).startsWith("40" + prefix);
        String sid = json(answer.substring(2 + prefix.length())).get("sid").asText();
        if (nsp.equals("/") || nsp.equals("/custom")) assertThat(ws.nextText()).startsWith("42" + prefix + "[\"auth\"");
        return sid;
    }

    static JsonNode json(String s) {
        try { return JSON.readTree(s); } catch (Exception e) { throw new AssertionError(s, e); }
    }

    static String await(CompletableFuture<String> f) {
        try { return f.get(10, TimeUnit.SECONDS); } catch (Exception e) { throw new AssertionError(e); }
    }

    void assertServerStillServes() {
        try (RawWs ws = open()) {
            connect(ws, "/", null);
            ws.send("42[\"message\",\"alive\"]");
            assertThat(ws.nextText()).isEqualTo("42[\"message-back\",\"alive\"]");
        }
    }

    // ---------------- connect ----------------

    @Nested
    class Connect {
        @Test
        void mainNamespaceWithoutAndWithAuth() {
            try (RawWs ws = open()) {
                ws.send("40");
                String answer = ws.nextText();
                assertThat(answer).startsWith("40{");
                assertThat(json(answer.substring(2)).properties()).extracting(Map.Entry::getKey).containsExactly("sid");
                assertThat(ws.nextText()).isEqualTo("42[\"auth\",{}]");
            }
            try (RawWs ws = open()) {
                ws.send("40{\"token\":\"123\"}");
                assertThat(ws.nextText()).startsWith("40{\"sid\":");
                assertThat(ws.nextText()).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
            }
        }

        @Test
        void customNamespaceWithAuth() {
            try (RawWs ws = open()) {
                ws.send("40/custom,{\"token\":\"abc\"}");
                assertThat(ws.nextText()).startsWith("40/custom,{\"sid\":");
                assertThat(ws.nextText()).isEqualTo("42/custom,[\"auth\",{\"token\":\"abc\"}]");
            }
        }

        @Test
        void unknownNamespaceIsRefused() {
            try (RawWs ws = open()) {
                ws.send("40/random");
                assertThat(ws.nextText()).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
                // the connection stays usable for other namespaces
                connect(ws, "/custom", null);
            }
        }

        @Test
        void middlewareRefusesWithMessageAndData() {
            try (RawWs ws = open()) {
                ws.send("40/guarded,{\"token\":\"bad\"}");
                String err = ws.nextText();
                assertThat(err).startsWith("44/guarded,");
                JsonNode e = json(err.substring("44/guarded,".length()));
                assertThat(e.get("message").asText()).isEqualTo("not authorized");
                assertThat(e.get("data").get("code").asText()).isEqualTo("E_AUTH");
                ws.send("40/guarded,{\"token\":\"ok\"}");
                assertThat(ws.nextText()).startsWith("40/guarded,{\"sid\":");
                assertThat(ws.nextText()).isEqualTo("42/guarded,[\"welcome\"]");
            }
        }

        @Test
        void asyncMiddlewaresRunInOrder() {
            try (RawWs ws = open()) {
                ws.send("40/async,");
                assertThat(ws.nextText()).startsWith("40/async,{\"sid\":");
                assertThat(ws.nextText()).isEqualTo("42/async,[\"ready\",true]");
            }
        }

        @Test
        void noConnectWithinTheTimeoutClosesTheConnection() {
            try (RawWs ws = open()) {
                ws.awaitClose();
            }
        }

        @Test
        void severalNamespacesShareOneConnection() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                connect(ws, "/custom", null);
                ws.send("42/custom,[\"message\",\"to custom\"]");
                assertThat(ws.nextText()).isEqualTo("42/custom,[\"message-back\",\"to custom\"]");
                ws.send("41/custom,");
                ws.send("42[\"message\",\"to main\"]");
                assertThat(ws.nextText()).isEqualTo("42[\"message-back\",\"to main\"]");
            }
        }

        @Test
        void pollingClientConnects() {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try {
                String open = c.send(HttpRequest.newBuilder(URI.create(httpUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
                String sid = json(open.substring(1)).get("sid").asText();
                String url = httpUrl + "&sid=" + sid;
                c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.ofString());
                String body = c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(body).startsWith("40{\"sid\":").contains("\u001e42[\"auth\",{}]");
                c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("42[\"message\",\"p\"]")).build(), HttpResponse.BodyHandlers.ofString());
                body = c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(body).isEqualTo("42[\"message-back\",\"p\"]");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    // ---------------- events and acks ----------------

    @Nested
    class EventsAndAcks {
        @Test
        void eventIsEchoed() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("42[\"message\",1,\"2\",{\"3\":[true]}]");
                assertThat(ws.nextText()).isEqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]}]");
            }
        }

        @Test
        void clientAckIsAnswered() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
                assertThat(ws.nextText()).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
                connect(ws, "/custom", null);
                ws.send("42/custom,7[\"message-with-ack\",\"x\"]");
                assertThat(ws.nextText()).isEqualTo("43/custom,7[\"x\"]");
            }
        }

        @Test
        void unknownEventWithAckGetsAnEmptyAck() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("421[\"no-such-event\",{}]");
                assertThat(ws.nextText()).isEqualTo("431[]");
            }
        }

        @Test
        void invalidPayloadTypeGetsAnEmptyAck() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("422[\"to-room\",\"not an object\"]");
                assertThat(ws.nextText()).isEqualTo("432[]");
            }
        }

        @Test
        void serverAckWithBinaryArgumentCompletes() {
            try (RawWs ws = open()) {
                String sid = connect(ws, "/", null);
                ws.send("42[\"ask-me\",2000]");
                String q = ws.nextText();
                assertThat(q).matches("451-(\\d+)\\[\"question\",\"q1\",\\{\"_placeholder\":true,\"num\":0}]");
                assertThat((byte[]) ws.next()).containsExactly(7);
                String id = q.substring(4, q.indexOf('['));
                ws.send("43" + id + "[\"answer\",42]");
                assertThat(await(serverAckResults.computeIfAbsent(sid, k -> new CompletableFuture<>()))).isEqualTo("[\"answer\", 42]");
            }
        }

        @Test
        void serverAckTimesOut() {
            try (RawWs ws = open()) {
                String sid = connect(ws, "/", null);
                ws.send("42[\"ask-me\",100]");
                assertThat(ws.nextText()).startsWith("451-");
                ws.next(); // attachment; we never answer
                assertThat(await(serverAckResults.computeIfAbsent(sid, k -> new CompletableFuture<>()))).isEqualTo("error:AckTimeoutException");
            }
        }

        @Test
        void lateOrUnknownAcksAreIgnored() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("43999[\"nobody asked\"]");
                ws.send("42[\"message\",\"still here\"]");
                assertThat(ws.nextText()).isEqualTo("42[\"message-back\",\"still here\"]");
            }
        }

        @Test
        void perSocketData() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("421[\"data-put\",\"v1\"]");
                assertThat(ws.nextText()).isEqualTo("431[]");
                ws.send("422[\"data-get\"]");
                assertThat(ws.nextText()).isEqualTo("432[\"v1\"]");
            }
        }
    }

    // ---------------- binary ----------------

    @Nested
    class Binary {
        @Test
        void binaryEventIsReconstructedAndEchoed() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
                ws.sendBinary(new byte[]{1, 2, 3});
                ws.sendBinary(new byte[]{4, 5, 6});
                assertThat(ws.nextText()).isEqualTo("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
                assertThat((byte[]) ws.next()).containsExactly(1, 2, 3);
                assertThat((byte[]) ws.next()).containsExactly(4, 5, 6);
            }
        }

        @Test
        void binaryEventWithAckGetsBinaryAck() {
            try (RawWs ws = open()) {
                connect(ws, "/", null);
                ws.send("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
                ws.sendBinary(new byte[]{1, 2, 3});
                ws.sendBinary(new byte[]{4, 5, 6});
                assertThat(ws.nextText()).isEqualTo("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
                assertThat((byte[]) ws.next()).containsExactly(1, 2, 3);
                assertThat((byte[]) ws.next()).containsExactly(4, 5, 6);
            }
        }

        @Test
        void serverSendsNestedBinary() {
            try (RawWs ws = open()) {
                connect(ws, "/custom", null);
                ws.send("42/custom,[\"binary-please\"]");
                assertThat(ws.nextText()).isEqualTo("452-/custom,[\"bin\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1}},\"text\"]");
                assertThat((byte[]) ws.next()).containsExactly(1, 2);
                assertThat((byte[]) ws.next()).containsExactly(3);
            }
        }

        @Test
        void binaryOverPollingIsBase64() {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try {
                String open = c.send(HttpRequest.newBuilder(URI.create(httpUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
                String url = httpUrl + "&sid=" + json(open.substring(1)).get("sid").asText();
                c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.ofString());
                c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(
                        "451-[\"message\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID")).build(), HttpResponse.BodyHandlers.ofString());
                String body = c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(body).isEqualTo("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    // ---------------- rooms ----------------

    @Nested
    class Rooms {
        @Test
        void broadcastToRoomExcludesSenderAndNonMembers() {
            try (RawWs a = open(); RawWs b = open(); RawWs c = open()) {
                connect(a, "/", null);
                connect(b, "/", null);
                connect(c, "/", null);
                a.send("421[\"join\",\"r1\"]");
                assertThat(a.nextText()).isEqualTo("431[true]");
                b.send("421[\"join\",\"r1\"]");
                assertThat(b.nextText()).isEqualTo("431[true]");
                a.send("422[\"to-room\",{\"room\":\"r1\",\"text\":\"hi\"}]");
                assertThat(a.nextText()).isEqualTo("432[\"sent\"]");
                assertThat(b.nextText()).isEqualTo("42[\"room-msg\",\"hi\"]");
                // c is not in r1: the next thing it gets is its own echo
                c.send("42[\"message\",\"c\"]");
                assertThat(c.nextText()).isEqualTo("42[\"message-back\",\"c\"]");
                // a left: b's broadcast reaches nobody else
                a.send("423[\"leave\",\"r1\"]");
                assertThat(a.nextText()).isEqualTo("433[false]");
                b.send("422[\"to-room\",{\"room\":\"r1\",\"text\":\"alone\"}]");
                assertThat(b.nextText()).isEqualTo("432[\"sent\"]");
                a.send("42[\"message\",\"a\"]");
                assertThat(a.nextText()).isEqualTo("42[\"message-back\",\"a\"]");
            }
        }

        @Test
        void exceptRoomAndNamespaceEmit() {
            try (RawWs a = open(); RawWs b = open(); RawWs c = open()) {
                connect(a, "/custom", null);
                connect(b, "/custom", null);
                connect(c, "/custom", null);
                for (RawWs w : List.of(a, b, c)) {
                    w.send("42/custom,1[\"join\",\"all\"]");
                    assertThat(w.nextText()).isEqualTo("43/custom,1[true]");
                }
                c.send("42/custom,2[\"join\",\"muted\"]");
                assertThat(c.nextText()).isEqualTo("43/custom,2[true]");
                a.send("42/custom,3[\"to-room\",{\"room\":\"all\",\"except\":\"muted\",\"text\":\"x\"}]");
                assertThat(a.nextText()).isEqualTo("42/custom,[\"room-msg\",\"x\"]"); // namespace-level: sender included
                assertThat(a.nextText()).isEqualTo("43/custom,3[\"sent\"]");
                assertThat(b.nextText()).isEqualTo("42/custom,[\"room-msg\",\"x\"]");
                c.send("42/custom,[\"everyone\",\"e\"]");
                assertThat(c.nextText()).isEqualTo("42/custom,[\"all-msg\",\"e\"]"); // c got no room-msg
                assertThat(a.nextText()).isEqualTo("42/custom,[\"all-msg\",\"e\"]");
                assertThat(b.nextText()).isEqualTo("42/custom,[\"all-msg\",\"e\"]");
            }
        }

        @Test
        void socketIsInItsOwnRoomAndLeavesAllOnDisconnect() {
            try (RawWs a = open()) {
                String sid = connect(a, "/", null);
                Socket s = ((dev.qring.socketio.internal.DefaultSocketIoServer) io).socket("/", sid);
                assertThat(s.rooms()).containsExactly(sid);
                a.send("421[\"join\",\"x\"]");
                assertThat(a.nextText()).isEqualTo("431[true]");
                assertThat(s.rooms()).containsExactlyInAnyOrder(sid, "x");
                a.send("41");
                assertThat(await(reasonOf(sid))).isEqualTo("client namespace disconnect");
                assertThat(io.of("/").adapter().sockets(new BroadcastOptions(java.util.Set.of("x"), java.util.Set.of(), true))).doesNotContain(s);
                assertThat(s.rooms()).isEmpty();
            }
        }
    }

    // ---------------- disconnect ----------------

    @Nested
    class Disconnect {
        @Test
        void clientNamespaceDisconnectKeepsTheConnection() {
            try (RawWs ws = open()) {
                String sid = connect(ws, "/", null);
                ws.send("41");
                assertThat(await(reasonOf(sid))).isEqualTo("client namespace disconnect");
                assertThat(ws.next(true)).isEqualTo("2"); // still alive: the next thing is a ping
            }
        }

        @Test
        void serverNamespaceDisconnect() {
            try (RawWs ws = open()) {
                String sid = connect(ws, "/custom", null);
                ws.send("42/custom,[\"disconnect-me\"]");
                assertThat(ws.nextText()).isEqualTo("41/custom,");
                assertThat(await(reasonOf(sid))).isEqualTo("server namespace disconnect");
            }
        }

        @Test
        void serverDisconnectWithTransportClose() {
            try (RawWs ws = open()) {
                String sid = connect(ws, "/", null);
                ws.send("42[\"close-me\"]");
                assertThat(ws.nextText()).isEqualTo("41");
                ws.awaitClose();
                assertThat(await(reasonOf(sid))).isEqualTo("server namespace disconnect");
            }
        }

        @Test
        void transportClose() {
            RawWs ws = open();
            String sid = connect(ws, "/", null);
            ws.ws.sendClose(1000, "bye").join();
            assertThat(await(reasonOf(sid))).isEqualTo("transport close");
        }

        @Test
        void pingTimeout() {
            try (RawWs ws = open()) {
                ws.autoPong = false;
                String sid = connect(ws, "/", null);
                assertThat(ws.next(true)).isEqualTo("2"); // never answered
                assertThat(await(reasonOf(sid))).isEqualTo("ping timeout");
            }
        }

        @Test
        void parseError() {
            try (RawWs ws = open()) {
                String sid = connect(ws, "/", null);
                ws.send("42{}");
                ws.awaitClose();
                assertThat(await(reasonOf(sid))).isEqualTo("parse error");
            }
        }
    }

    // ---------------- malformed input ----------------

    @Nested
    class MalformedInput {
        void assertClosedAfter(boolean connectFirst, Object... frames) {
            long errors = io.stats().protocolErrors();
            try (RawWs ws = open()) {
                if (connectFirst) connect(ws, "/", null);
                for (Object f : frames) {
                    if (f instanceof String s) ws.send(s);
                    else ws.sendBinary((byte[]) f);
                }
                ws.awaitClose();
            }
            EngineTestUtil.eventually(() -> assertThat(io.stats().protocolErrors()).isGreaterThan(errors));
            assertServerStillServes();
        }

        @Test void unknownPacketType() { assertClosedAfter(false, "4abc"); }
        @Test void unknownPacketTypeAfterConnect() { assertClosedAfter(true, "4abc"); }
        @Test void eventPayloadNotAnArray() { assertClosedAfter(true, "42{}"); }
        @Test void invalidAckId() { assertClosedAfter(true, "42abc[\"message-with-ack\",1]"); }
        @Test void badJson() { assertClosedAfter(true, "42[\"message\",{]"); }
        @Test void trailingGarbage() { assertClosedAfter(true, "42[\"message\"]xyz"); }
        @Test void reservedEventName() { assertClosedAfter(true, "42[\"disconnect\"]"); }
        @Test void ackWithoutId() { assertClosedAfter(true, "43[1]"); }
        @Test void connectWithNonObjectAuth() { assertClosedAfter(false, "40[1]"); }
        @Test void connectErrorFromClient() { assertClosedAfter(true, "44{\"message\":\"x\"}"); }
        @Test void badAttachmentCount() { assertClosedAfter(true, "45x-[\"message\"]"); }
        @Test void hugeAttachmentCount() { assertClosedAfter(true, "4599999-[\"message\"]"); }
        @Test void placeholderOutOfRange() { assertClosedAfter(true, "451-[\"message\",{\"_placeholder\":true,\"num\":5}]", new byte[]{1}); }
        @Test void binaryWithoutHeader() { assertClosedAfter(true, new byte[]{1, 2, 3}); }
        @Test void textWhileWaitingForAttachments() { assertClosedAfter(true, "452-[\"message\",{\"_placeholder\":true,\"num\":0}]", new byte[]{1}, "42[\"message\"]"); }
        @Test void deeplyNestedJson() { assertClosedAfter(true, "42[\"message\"," + "[".repeat(5000) + "]".repeat(5000) + "]"); }
        @Test void emptyMessage() { assertClosedAfter(true, "4"); }
    }

    // ---------------- backpressure ----------------

    @Test
    void slowReaderIsDisconnectedAndCounted() {
        // A server of its own with a long heartbeat: the reader must be dropped for its queue, not a ping timeout.
        SocketIoServer slowIo = SocketIoServer.create(SocketIoOptions.defaults()
                .withPing(Duration.ofSeconds(20), Duration.ofSeconds(20))
                .withOutboundQueueLimit(64 * 1024));
        CompletableFuture<String> reason = new CompletableFuture<>();
        slowIo.of("/").on("flood", Integer.class, (s, n, ack, args) -> {
            String kb = "y".repeat(1024);
            for (int i = 0; i < n; i++) s.emit("flood", kb);
        });
        slowIo.of("/").onDisconnect((s, r) -> reason.complete(r));
        try (NettyHttpServer slowHttp = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, slowIo.httpHandler())) {
            try (RawWs ws = RawWs.connect("ws://127.0.0.1:" + slowHttp.port() + "/socket.io/?EIO=4&transport=websocket", false)) {
                ws.next(true); // open packet; from now on the client reads only what it asks for
                ws.ws.request(1);
                ws.send("40");
                assertThat((String) ws.next(true)).startsWith("40");
                ws.send("42[\"flood\",30000]"); // 30 MB: more than the socket buffers + the 64 KB limit
                // the server writes until the client's socket buffers are full, then the queue overflows
                EngineTestUtil.eventually(Duration.ofSeconds(30), () -> assertThat(slowIo.stats().slowClientDisconnects()).isEqualTo(1));
            }
            EngineTestUtil.eventually(() -> assertThat(slowIo.stats().slowClientDisconnects()).isEqualTo(1));
            assertThat(await(reason)).isEqualTo("transport error");
        } finally {
            slowIo.close();
        }
        assertServerStillServes();
    }
}
