package dev.qring.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Engine.IO v4 protocol behaviour, driven with a raw HTTP client and a raw websocket against an echo server,
 * following the published protocol (socketio/engine.io-protocol v4) and its test suite.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineIoServerTest {
    /** Heartbeat tests run against a second server with short timings; the rest gets relaxed ones so that a
     *  loaded CI machine cannot time sessions out in the middle of a test. */
    static final int PING_INTERVAL = 300, PING_TIMEOUT = 1_000, RELAXED_PING = 5_000, MAX_PAYLOAD = 10_000;
    static final ObjectMapper JSON = new ObjectMapper();

    EngineIoServer engine, heartbeatEngine;
    NettyHttpServer http, heartbeatHttp;
    String base, wsBase;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ConcurrentLinkedQueue<String> closeReasons = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void start() {
        LeakCheck.enable();
        engine = echoServer(RELAXED_PING, RELAXED_PING);
        http = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, engine.httpHandler());
        heartbeatEngine = echoServer(PING_INTERVAL, PING_TIMEOUT);
        heartbeatHttp = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, heartbeatEngine.httpHandler());
        useServer(http);
    }

    void useServer(NettyHttpServer server) {
        base = "http://127.0.0.1:" + server.port() + "/engine.io/";
        wsBase = "ws://127.0.0.1:" + server.port() + "/engine.io/";
    }

    EngineIoServer echoServer(int pingInterval, int pingTimeout) {
        EngineIoOptions options = EngineIoOptions.defaults()
                .withPing(Duration.ofMillis(pingInterval), Duration.ofMillis(pingTimeout))
                .withMaxPayload(MAX_PAYLOAD)
                .withCorsOrigins(List.of("https://allowed.example"))
                .withOutboundQueueLimit(64 * 1024);
        return new EngineIoServer(options, socket -> socket.setListener(new EngineSocket.Listener() {
            @Override public void onMessage(EngineSocket s, String text) {
                if (text.startsWith("flood:")) { // sends N messages of 1 KB, to test the outbound limit
                    String kb = "x".repeat(1024);
                    for (int i = 0, n = Integer.parseInt(text.substring(6)); i < n; i++) s.send(kb);
                } else {
                    s.send(text);
                }
            }
            @Override public void onBinary(EngineSocket s, byte[] data) { s.sendBinary(data); }
            @Override public void onClose(EngineSocket s, String reason) { closeReasons.add(reason); }
        }));
    }

    @AfterAll
    void stop() {
        LeakCheck.assertNoLeaks();
        engine.close();
        http.close();
        heartbeatEngine.close();
        heartbeatHttp.close();
    }

    // ---------------- helpers ----------------

    HttpResponse<String> get(String query) {
        return send(HttpRequest.newBuilder(URI.create(base + "?" + query)).GET().build());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String query) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(base + "?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String query, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + "?" + query))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> send(HttpRequest r) {
        try {
            return client.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    String openPolling() {
        HttpResponse<String> r = get("EIO=4&transport=polling");
        assertThat(r.statusCode()).isEqualTo(200);
        try {
            return JSON.readTree(r.body().substring(1)).get("sid").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode json(String s) {
        try { return JSON.readTree(s); } catch (Exception e) { throw new AssertionError(e); }
    }

    /** Retries an assertion for up to 5 s (counters are updated on the server's event loop). */
    static void eventually(Runnable assertion) {
        eventually(Duration.ofSeconds(5), assertion);
    }

    static void eventually(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
                sleep(20);
            }
        }
    }

    static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { throw new AssertionError(e); }
    }

    // ---------------- handshake ----------------

    @Nested
    class Handshake {
        @Test
        void pollingOpensASessionWithTheAnnouncedSettings() {
            HttpResponse<String> r = get("EIO=4&transport=polling");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("0");
            JsonNode open = json(r.body().substring(1));
            assertThat(open.properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
            assertThat(open.get("sid").isTextual()).isTrue();
            assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
            assertThat(open.get("pingInterval").asInt()).isEqualTo(RELAXED_PING);
            assertThat(open.get("pingTimeout").asInt()).isEqualTo(RELAXED_PING);
            assertThat(open.get("maxPayload").asInt()).isEqualTo(MAX_PAYLOAD);
        }

        @Test
        void invalidEioVersionTransportOrMethodAreRejectedWithProtocolErrors() {
            for (String q : List.of("transport=polling", "EIO=abc&transport=polling", "EIO=3&transport=polling")) {
                HttpResponse<String> r = get(q);
                assertThat(r.statusCode()).as(q).isEqualTo(400);
                assertThat(json(r.body()).get("code").asInt()).as(q).isEqualTo(5);
            }
            for (String q : List.of("EIO=4", "EIO=4&transport=abc")) {
                HttpResponse<String> r = get(q);
                assertThat(r.statusCode()).as(q).isEqualTo(400);
                assertThat(json(r.body()).get("code").asInt()).as(q).isEqualTo(0);
            }
            HttpResponse<String> postHandshake = post("EIO=4&transport=polling", "");
            assertThat(postHandshake.statusCode()).isEqualTo(400);
            assertThat(json(postHandshake.body()).get("code").asInt()).isEqualTo(2);
            HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=polling"))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(put.statusCode()).isEqualTo(400);
            HttpResponse<String> unknown = get("EIO=4&transport=polling&sid=nope");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(json(unknown.body()).toString()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
        }

        @Test
        void websocketOpensASessionWithoutUpgrades() {
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                String open = ws.nextText();
                assertThat(open).startsWith("0");
                JsonNode o = json(open.substring(1));
                assertThat(o.get("upgrades").toString()).isEqualTo("[]");
                assertThat(o.get("maxPayload").asInt()).isEqualTo(MAX_PAYLOAD);
            }
        }

        @Test
        void websocketWithInvalidQueryIsRefused() {
            for (String q : List.of("transport=websocket", "EIO=abc&transport=websocket", "EIO=4", "EIO=4&transport=abc")) {
                assertThatThrownBy(() -> RawWs.connect(wsBase + "?" + q)).as(q).isNotNull();
            }
        }

        @Test
        void otherPathsArePassedOn() {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/other?EIO=4&transport=polling")).GET().build());
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }

    // ---------------- messages ----------------

    @Nested
    class PollingMessages {
        @Test
        void textPacketsAreDeliveredAndEchoed() {
            String sid = openPolling();
            HttpResponse<String> push = post("EIO=4&transport=polling&sid=" + sid, "4hello");
            assertThat(push.statusCode()).isEqualTo(200);
            assertThat(push.body()).isEqualTo("ok");
            assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4hello");
        }

        @Test
        void severalPacketsAndBinaryAreJoinedWithRecordSeparators() {
            String sid = openPolling();
            assertThat(post("EIO=4&transport=polling&sid=" + sid, "4test1\u001e4test2\u001ebAQIDBA==").statusCode()).isEqualTo(200);
            assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4test1\u001e4test2\u001ebAQIDBA==");
        }

        @Test
        void unicodeSurvivesBothWays() {
            String sid = openPolling();
            post("EIO=4&transport=polling&sid=" + sid, "4hello €亜Б");
            assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4hello €亜Б");
        }

        @Test
        void invalidPacketClosesTheSession() {
            String sid = openPolling();
            assertThat(post("EIO=4&transport=polling&sid=" + sid, "abc").statusCode()).isEqualTo(400);
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }

        @Test
        void invalidBase64ClosesTheSession() {
            String sid = openPolling();
            assertThat(post("EIO=4&transport=polling&sid=" + sid, "b!!!").statusCode()).isEqualTo(400);
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }

        @Test
        void duplicatePollClosesTheSession() throws Exception {
            String sid = openPolling();
            var first = getAsync("EIO=4&transport=polling&sid=" + sid);
            sleep(50);
            var second = getAsync("EIO=4&transport=polling&sid=" + sid + "&t=burst");
            assertThat(second.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(400);
            HttpResponse<String> r1 = first.get(5, TimeUnit.SECONDS);
            assertThat(r1.statusCode()).isEqualTo(200);
            assertThat(r1.body()).isEqualTo("1");
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }

        @Test
        void abortedPollClosesTheSession() throws Exception {
            String sid = openPolling();
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", http.port())) {
                OutputStream out = raw.getOutputStream();
                out.write(("GET /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                sleep(50);
            }
            sleep(100);
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }

        @Test
        void clientCloseReleasesThePendingPollWithNoop() throws Exception {
            String sid = openPolling();
            var poll = getAsync("EIO=4&transport=polling&sid=" + sid);
            sleep(50);
            assertThat(post("EIO=4&transport=polling&sid=" + sid, "1").statusCode()).isEqualTo(200);
            assertThat(poll.get(5, TimeUnit.SECONDS).body()).isEqualTo("6");
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }

        @Test
        void postOverMaxPayloadGets413AndClosesTheSession() {
            String sid = openPolling();
            long errors = engine.stats().protocolErrors();
            HttpResponse<String> r = post("EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(MAX_PAYLOAD + 1));
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
            assertThat(engine.stats().protocolErrors()).isGreaterThan(errors);
        }
    }

    @Nested
    class WebSocketMessages {
        @Test
        void textAndBinaryAreEchoed() {
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.nextText();
                ws.send("4hello");
                assertThat(ws.nextText()).isEqualTo("4hello");
                ws.sendBinary(new byte[]{1, 2, 3, 4});
                assertThat((byte[]) ws.next()).containsExactly(1, 2, 3, 4);
            }
        }

        @Test
        void invalidPacketClosesTheConnection() {
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.nextText();
                ws.send("abc");
                ws.awaitClose();
            }
        }

        @Test
        void clientClosePacketClosesTheConnection() {
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.nextText();
                ws.send("1");
                ws.awaitClose();
            }
        }

        @Test
        void frameOverMaxPayloadClosesTheConnection() {
            long errors = engine.stats().protocolErrors();
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.nextText();
                ws.ws.sendText("4" + "x".repeat(MAX_PAYLOAD + 1), true);
                assertThat(ws.awaitClose()).isIn(1009, -1);
            }
            eventually(() -> assertThat(engine.stats().protocolErrors()).isGreaterThan(errors));
            // the server still serves others
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.nextText();
                ws.send("4still here");
                assertThat(ws.nextText()).isEqualTo("4still here");
            }
        }
    }

    // ---------------- heartbeat ----------------

    @Nested
    class Heartbeat {
        @org.junit.jupiter.api.BeforeEach
        void shortTimings() { useServer(heartbeatHttp); }

        @org.junit.jupiter.api.AfterEach
        void back() { useServer(http); }

        @Test
        void pollingPingsAreAnsweredWithPongs() {
            String sid = openPolling();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> poll = get("EIO=4&transport=polling&sid=" + sid);
                assertThat(poll.body()).isEqualTo("2");
                assertThat(post("EIO=4&transport=polling&sid=" + sid, "3").statusCode()).isEqualTo(200);
            }
        }

        @Test
        void pollingSessionClosesOnPingTimeout() {
            String sid = openPolling();
            sleep(PING_INTERVAL + PING_TIMEOUT + 100);
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
            eventually(() -> assertThat(closeReasons).contains("ping timeout"));
        }

        @Test
        void websocketPingsAndTimeout() {
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.autoPong = false;
                ws.nextText();
                for (int i = 0; i < 3; i++) {
                    assertThat(ws.next(true)).isEqualTo("2");
                    ws.send("3");
                }
                // stop answering: closed after pingInterval + pingTimeout
                assertThat(ws.next(true)).isEqualTo("2");
                ws.awaitClose();
            }
        }

        @Test
        void clientPingIsAProtocolError() {
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket")) {
                ws.nextText();
                ws.send("2");
                ws.awaitClose();
            }
        }
    }

    // ---------------- upgrade ----------------

    @Nested
    class Upgrade {
        @Test
        void pollingUpgradesToWebsocket() {
            String sid = openPolling();
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket&sid=" + sid)) {
                ws.send("2probe");
                assertThat(ws.nextText()).isEqualTo("3probe");
                HttpResponse<String> poll = get("EIO=4&transport=polling&sid=" + sid);
                assertThat(poll.statusCode()).isEqualTo(200);
                assertThat(poll.body()).isEqualTo("6");
                ws.send("5");
                ws.send("4hello");
                assertThat(ws.nextText()).isEqualTo("4hello");
                // after the upgrade, polling with this sid is refused
                assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
                // and a second websocket with the same sid too
                assertThatThrownBy(() -> RawWs.connect(wsBase + "?EIO=4&transport=websocket&sid=" + sid)).isNotNull();
                ws.send("4again");
                assertThat(ws.nextText()).isEqualTo("4again");
            }
        }

        @Test
        void pendingPollIsReleasedByTheProbe() throws Exception {
            String sid = openPolling();
            var poll = getAsync("EIO=4&transport=polling&sid=" + sid);
            sleep(50);
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket&sid=" + sid)) {
                ws.send("2probe");
                assertThat(ws.nextText()).isEqualTo("3probe");
                assertThat(poll.get(5, TimeUnit.SECONDS).body()).isEqualTo("6");
                ws.send("5");
                ws.send("4x");
                assertThat(ws.nextText()).isEqualTo("4x");
            }
        }

        @Test
        void messagesBufferedDuringTheProbeArriveOverTheWebsocket() {
            String sid = openPolling();
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket&sid=" + sid)) {
                ws.send("2probe");
                assertThat(ws.nextText()).isEqualTo("3probe");
                post("EIO=4&transport=polling&sid=" + sid, "4buffered"); // echo is buffered for polling
                ws.send("5");
                assertThat(ws.nextText()).isEqualTo("4buffered");
            }
        }

        @Test
        void aFailedProbeLeavesThePollingSessionWorking() {
            String sid = openPolling();
            RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket&sid=" + sid);
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            ws.ws.sendClose(1000, "").join();
            ws.awaitClose();
            sleep(100);
            post("EIO=4&transport=polling&sid=" + sid, "4still polling");
            String body = get("EIO=4&transport=polling&sid=" + sid).body();
            assertThat(body).contains("4still polling");
        }
    }

    // ---------------- CORS ----------------

    @Nested
    class Cors {
        @Test
        void allowedOriginIsEchoedWithCredentials() {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=polling"))
                    .header("Origin", "https://allowed.example").GET().build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("https://allowed.example");
            assertThat(r.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        }

        @Test
        void anyOriginIsAnsweredWithAStarAndNoCredentials() {
            EngineIoServer star = new EngineIoServer(EngineIoOptions.defaults().withCorsOrigins(List.of("*")),
                    socket -> { });
            NettyHttpServer starHttp = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1 << 20, star.httpHandler());
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + starHttp.port()
                        + "/engine.io/?EIO=4&transport=polling")).header("Origin", "https://any.example").GET().build());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
                assertThat(r.headers().firstValue("access-control-allow-credentials")).isEmpty();
            } finally {
                starHttp.close();
                star.close();
            }
        }

        @Test
        void preflightIsAnswered() {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=polling"))
                    .header("Origin", "https://allowed.example").header("Access-Control-Request-Headers", "content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
            assertThat(r.headers().firstValue("access-control-allow-headers")).hasValue("content-type");
        }

        @Test
        void otherOriginsAreForbidden() {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=polling"))
                    .header("Origin", "https://evil.example").GET().build());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(json(r.body()).get("code").asInt()).isEqualTo(4);
        }
    }

    // ---------------- backpressure ----------------

    @Nested
    class Backpressure {
        @Test
        void pollingClientThatNeverPollsIsDisconnectedWhenItsBufferOverflows() {
            long before = engine.stats().slowClientDisconnects();
            String sid = openPolling();
            post("EIO=4&transport=polling&sid=" + sid, "4flood:100"); // 100 KB > 64 KB limit
            assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
            eventually(() -> assertThat(engine.stats().slowClientDisconnects()).isEqualTo(before + 1));
        }

        @Test
        void websocketClientThatStopsReadingIsDisconnected() throws Exception {
            long before = engine.stats().slowClientDisconnects();
            try (RawWs ws = RawWs.connect(wsBase + "?EIO=4&transport=websocket", false)) {
                ws.next(true); // the open packet; the client asks for nothing more
                ws.send("4flood:30000"); // 30 MB: more than the kernel socket buffers plus the 64 KB queue limit
                eventually(Duration.ofSeconds(30), () -> assertThat(engine.stats().slowClientDisconnects()).isGreaterThan(before));
            }
            eventually(() -> assertThat(engine.stats().slowClientDisconnects()).as("close reasons so far: %s", closeReasons).isGreaterThan(before));
            assertThat(closeReasons).contains("transport error");
        }
    }
}
