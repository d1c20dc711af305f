package dev.qring.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.support.TestServer;
import dev.qring.app.support.TestServer.Res;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The HTTP API end to end against a real server (embedded H2): shapes, status codes, authorization, input limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest {
    TestServer s;

    @BeforeAll
    void start() { s = TestServer.start(); }

    @AfterAll
    void stop() { if (s != null) s.close(); }

    @Test
    void signupDoorQrVisitorSessionAndReplay() {
        String email = "Owner-" + UUID.randomUUID() + "@Example.com";
        Res signup = s.post("/api/v1/auth/signup", null,
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"displayName\":\"Olive\"}");
        assertThat(signup.status()).isEqualTo(201);
        String token = signup.json().get("token").asText();
        assertThat(token).startsWith("qh_");
        JsonNode ho = signup.json().get("homeowner");
        assertThat(ho.get("displayName").asText()).isEqualTo("Olive");
        assertThat(ho.has("passwordHash")).isFalse();
        assertThat(signup.header("cache-control")).isEqualTo("no-store");

        // same email, other case → conflict
        Res dup = s.post("/api/v1/auth/signup", null,
                "{\"email\":\"" + email.toLowerCase() + "\",\"password\":\"correct horse battery\",\"displayName\":\"X\"}");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.errorCode()).isEqualTo("conflict");

        Res login = s.post("/api/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().get("token").asText()).startsWith("qh_").isNotEqualTo(token);
        Res wrong = s.post("/api/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"wrong password!!\"}");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("unauthorized");

        Res me = s.get("/api/v1/me", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("homeowner").get("id").asText()).isEqualTo(ho.get("id").asText());

        JsonNode door = s.createDoor(token, "Front door");
        assertThat(door.get("label").asText()).isEqualTo("Front door");
        assertThat(door.get("active").asBoolean()).isTrue();
        String slug = door.get("qrSlug").asText();
        assertThat(slug).matches("[A-Za-z0-9_-]{22,}");
        assertThat(door.get("visitorUrl").asText()).isEqualTo("https://qring.test/d/" + slug);
        assertThat(door.has("homeownerId")).isFalse();
        String doorId = door.get("id").asText();

        Res list = s.get("/api/v1/doors", token);
        assertThat(list.json().get("doors")).hasSize(1);

        Res svg = s.get("/api/v1/doors/" + doorId + "/qr.svg", token);
        assertThat(svg.status()).isEqualTo(200);
        assertThat(svg.header("content-type")).startsWith("image/svg+xml");
        assertThat(svg.body()).contains("<svg");
        Res png = s.get("/api/v1/doors/" + doorId + "/qr.png", token);
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.header("content-type")).isEqualTo("image/png");
        assertThat(png.raw().body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');

        Res pub = s.get("/api/v1/doors/by-qr/" + slug, null);
        assertThat(pub.status()).isEqualTo(200);
        assertThat(pub.json().get("door").size()).isEqualTo(2);
        assertThat(pub.json().get("door").get("label").asText()).isEqualTo("Front door");
        assertThat(s.get("/api/v1/doors/by-qr/nope-" + UUID.randomUUID(), null).status()).isEqualTo(404);

        String vs = "{\"qrSlug\":\"" + slug + "\",\"requestId\":\"req-1\",\"visitorName\":\"Pat\",\"purpose\":\"parcel\"}";
        Res created = s.post("/api/v1/visitor-sessions", null, vs);
        assertThat(created.status()).isEqualTo(201);
        JsonNode session = created.json().get("session");
        assertThat(session.get("status").asText()).isEqualTo("ringing");
        assertThat(session.get("doorLabel").asText()).isEqualTo("Front door");
        assertThat(session.get("createdAt").asText()).endsWith("Z");
        assertThat(session.has("homeownerId")).isFalse();
        String vt1 = created.json().get("visitorToken").asText();
        assertThat(vt1).startsWith("qv_");

        Res replay = s.post("/api/v1/visitor-sessions", null, vs);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("session").get("id").asText()).isEqualTo(session.get("id").asText());
        String vt2 = replay.json().get("visitorToken").asText();
        assertThat(vt2).startsWith("qv_").isNotEqualTo(vt1);

        String sid = session.get("id").asText();
        for (String vt : new String[]{vt1, vt2}) {
            Res mine = s.get("/api/v1/sessions/" + sid, vt);
            assertThat(mine.status()).isEqualTo(200);
            assertThat(mine.json().has("activeCall")).isTrue();
        }
        Res owned = s.get("/api/v1/sessions?limit=10", token);
        assertThat(owned.status()).isEqualTo(200);
        assertThat(owned.json().get("sessions")).hasSize(1);
        assertThat(owned.json().has("next")).isTrue();
        Res msgs = s.get("/api/v1/sessions/" + sid + "/messages?afterSeq=0", vt1);
        assertThat(msgs.status()).isEqualTo(200);
        assertThat(msgs.json().get("messages")).isEmpty();

        Res ice = s.get("/api/v1/ice-servers", vt1);
        assertThat(ice.status()).isEqualTo(200);
        assertThat(ice.json().get("iceServers").isArray()).isTrue();
        assertThat(ice.json().has("ttlSeconds")).isTrue();
        assertThat(s.get("/api/v1/ice-servers", null).status()).isEqualTo(401);

        // a visitor is not a homeowner
        Res visitorDoors = s.get("/api/v1/doors", vt1);
        assertThat(visitorDoors.status()).isEqualTo(403);
        assertThat(visitorDoors.errorCode()).isEqualTo("forbidden");

        // logout: that token stops at once, the other stays valid
        assertThat(s.post("/api/v1/auth/logout", token, null).status()).isEqualTo(204);
        assertThat(s.get("/api/v1/me", token).status()).isEqualTo(401);
        assertThat(s.get("/api/v1/me", login.json().get("token").asText()).status()).isEqualTo(200);
    }

    @Test
    void anotherHomeownersDoorsAndSessionsAreOutOfReach() {
        String a = s.signup("alice");
        String b = s.signup("bob");
        JsonNode doorA = s.createDoor(a, "A's door");
        String idA = doorA.get("id").asText();
        Res created = s.post("/api/v1/visitor-sessions", null, "{\"qrSlug\":\"" + doorA.get("qrSlug").asText()
                + "\",\"requestId\":\"r\",\"visitorName\":\"V\",\"purpose\":\"\"}");
        String sidA = created.json().get("session").get("id").asText();
        String visitorA = created.json().get("visitorToken").asText();

        for (String path : new String[]{"/api/v1/doors/" + idA, "/api/v1/doors/" + idA + "/qr.svg", "/api/v1/doors/" + idA + "/qr.png",
                "/api/v1/sessions/" + sidA, "/api/v1/sessions/" + sidA + "/messages"}) {
            Res r = s.get(path, b);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.errorCode()).as(path).isEqualTo("not_found");
        }
        assertThat(s.call("PATCH", "/api/v1/doors/" + idA, b, "{\"active\":false}").status()).isEqualTo(404);
        assertThat(s.call("DELETE", "/api/v1/doors/" + idA, b, null).status()).isEqualTo(404);
        assertThat(s.get("/api/v1/sessions", b).json().get("sessions")).isEmpty();
        assertThat(s.get("/api/v1/doors", b).json().get("doors")).isEmpty();
        // A's door is untouched
        assertThat(s.get("/api/v1/doors/" + idA, a).json().get("door").get("active").asBoolean()).isTrue();

        // a visitor token reaches its own session only
        JsonNode doorB = s.createDoor(b, "B's door");
        Res other = s.post("/api/v1/visitor-sessions", null, "{\"qrSlug\":\"" + doorB.get("qrSlug").asText()
                + "\",\"requestId\":\"r\",\"visitorName\":\"W\",\"purpose\":\"\"}");
        String sidB = other.json().get("session").get("id").asText();
        assertThat(s.get("/api/v1/sessions/" + sidB, visitorA).status()).isEqualTo(404);
        assertThat(s.get("/api/v1/sessions/" + sidB + "/messages", visitorA).status()).isEqualTo(404);

        // garbage and foreign-looking tokens
        for (String t : new String[]{"qh_" + "A".repeat(43), "qv_nope", "Bearer", "x"}) {
            assertThat(s.get("/api/v1/me", t).status()).as(t).isEqualTo(401);
        }
    }

    @Test
    void badInputIsInvalidAndChangesNothing() {
        String t = s.signup("carol");
        JsonNode door = s.createDoor(t, "Back door");
        String id = door.get("id").asText();

        record Case(String method, String path, String body, int status) { }
        Case[] cases = {
                new Case("POST", "/api/v1/doors", "{\"label\":\"x\",\"homeownerId\":\"" + UUID.randomUUID() + "\"}", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":5}", 400),
                new Case("POST", "/api/v1/doors", "{}", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":\"x\"", 400),
                new Case("POST", "/api/v1/doors", "[]", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":\"x\"} {}", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":\"a\",\"label\":\"b\"}", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":\"" + "y".repeat(101) + "\"}", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":\"   \"}", 400),
                new Case("POST", "/api/v1/doors", "{\"label\":\"" + "z".repeat(70_000) + "\"}", 413),
                new Case("PATCH", "/api/v1/doors/" + id, "{\"active\":\"no\"}", 400),
                new Case("PATCH", "/api/v1/doors/" + id, "{\"active\":0}", 400),
                new Case("PATCH", "/api/v1/doors/" + id, "{}", 400),
                new Case("POST", "/api/v1/auth/signup", "{\"email\":\"a@b.co\",\"password\":\"short\",\"displayName\":\"D\"}", 400),
                new Case("POST", "/api/v1/visitor-sessions", "{\"qrSlug\":\"" + door.get("qrSlug").asText() + "\",\"requestId\":\"r\",\"visitorName\":\"\",\"purpose\":\"\"}", 400),
                new Case("POST", "/api/v1/visitor-sessions", "{\"qrSlug\":\"" + door.get("qrSlug").asText() + "\",\"requestId\":\"r\"}", 400),
        };
        for (Case c : cases) {
            Res r = s.call(c.method, c.path, t, c.body);
            assertThat(r.status()).as(c.method + " " + c.path + " " + c.body.substring(0, Math.min(60, c.body.length()))).isEqualTo(c.status);
            assertThat(r.errorCode()).as(c.body.substring(0, Math.min(60, c.body.length()))).isEqualTo("invalid");
            assertThat(r.json().path("error").path("message").asText()).isNotBlank();
        }
        Res form = s.call("POST", "/api/v1/doors", t, "label=x", "application/x-www-form-urlencoded");
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.errorCode()).isEqualTo("invalid");
        assertThat(s.get("/api/v1/sessions?limit=0", t).status()).isEqualTo(400);
        assertThat(s.get("/api/v1/sessions?limit=abc", t).status()).isEqualTo(400);
        assertThat(s.get("/api/v1/sessions?status=bogus", t).status()).isEqualTo(400);
        assertThat(s.get("/api/v1/doors/not-a-uuid", t).status()).isEqualTo(404);
        assertThat(s.get("/api/v1/nope", t).status()).isEqualTo(404);
        assertThat(s.call("PUT", "/api/v1/doors", t, "{}").status()).isEqualTo(405);

        // nothing changed: still one door, same label and state, no visitor session
        JsonNode doors = s.get("/api/v1/doors", t).json().get("doors");
        assertThat(doors).hasSize(1);
        assertThat(doors.get(0).get("label").asText()).isEqualTo("Back door");
        assertThat(doors.get(0).get("active").asBoolean()).isTrue();
        assertThat(s.get("/api/v1/sessions", t).json().get("sessions")).isEmpty();
    }

    @Test
    void ringsAreRateLimitedPerDoor() {
        String t = s.signup("erin");
        String slug = s.createDoor(t, "Busy door").get("qrSlug").asText();
        int created = 0;
        Res last = null;
        for (int i = 0; i < 15; i++) {
            last = s.post("/api/v1/visitor-sessions", null, "{\"qrSlug\":\"" + slug + "\",\"requestId\":\"burst-" + i
                    + "\",\"visitorName\":\"V\",\"purpose\":\"\"}");
            if (last.status() == 201) created++; else break;
        }
        assertThat(created).isBetween(1, 14);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.errorCode()).isEqualTo("rate_limited");
        // a replay of an existing request is not a new ring: still answered
        Res replay = s.post("/api/v1/visitor-sessions", null, "{\"qrSlug\":\"" + slug + "\",\"requestId\":\"burst-0\",\"visitorName\":\"V\",\"purpose\":\"\"}");
        assertThat(replay.status()).isEqualTo(200);
    }

    @Test
    void bodiesAboveTheServerWideLimitGetAJson413AndTheConnectionIsClosed() throws Exception {
        URI u = URI.create(s.base);
        byte[] body = new byte[320 * 1024];   // above the aggregator's limit (~260 KB), not just the API's 64 KB
        Arrays.fill(body, (byte) 'x');
        try (Socket sock = new Socket(u.getHost(), u.getPort())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write(("POST /api/v1/doors HTTP/1.1\r\nHost: qring.test\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body);
                out.flush();
            } catch (IOException ignored) {
                // the server may have stopped reading: its answer is what counts
            }
            // readAllBytes returns only at end of stream: the server closed the connection after the answer
            String res = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(res).startsWith("HTTP/1.1 413");
            String head = res.substring(0, res.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            assertThat(head).contains("content-type: application/json").contains("connection: close");
            JsonNode json = TestServer.JSON.readTree(res.substring(res.indexOf("\r\n\r\n") + 4));
            assertThat(json.path("error").path("code").asText()).isEqualTo("invalid");
            assertThat(json.path("error").path("message").asText()).contains("too large");
        }
        // an ordinary client gets the same answer
        Res big = s.post("/api/v1/auth/login", null, "{\"email\":\"" + "e".repeat(400_000) + "\",\"password\":\"x\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.errorCode()).isEqualTo("invalid");
        // and the server goes on serving
        assertThat(s.get("/health/live", null).status()).isEqualTo(200);
    }

    /** Argon2 work per client address: signups and logins across emails; an IPv6 client counts by its /64. */
    @Test
    void signupsAndLoginsAreLimitedPerClientAddressAndIpv6Slash64() {
        try (TestServer p = TestServer.start(Map.of("QRING_TRUSTED_PROXIES", "127.0.0.1"))) {
            int created = 0;
            Res last = null;
            for (int i = 0; i < 15; i++) {
                // one client rotating addresses inside 2001:db8:5:5::/64
                last = postFrom(p, "2001:db8:5:5::" + Integer.toHexString(i + 1), "/api/v1/auth/signup", "{\"email\":\"rot-" + i + "-"
                        + UUID.randomUUID() + "@example.com\",\"password\":\"correct horse battery\",\"displayName\":\"R\"}");
                if (last.status() == 201) created++; else break;
            }
            assertThat(created).isEqualTo(10);
            assertThat(last.status()).isEqualTo(429);
            assertThat(last.errorCode()).isEqualTo("rate_limited");
            // another /64 is another client
            assertThat(postFrom(p, "2001:db8:5:6::1", "/api/v1/auth/signup", "{\"email\":\"other-" + UUID.randomUUID()
                    + "@example.com\",\"password\":\"correct horse battery\",\"displayName\":\"O\"}").status()).isEqualTo(201);

            int answered = 0;
            for (int i = 0; i < 45; i++) {
                // a new email and a new address inside 2001:db8:7:7::/64 each time
                last = postFrom(p, "2001:db8:7:7:" + Integer.toHexString(i + 1) + "::1", "/api/v1/auth/login",
                        "{\"email\":\"nobody-" + i + "@example.com\",\"password\":\"wrong password!!\"}");
                if (last.status() == 401) answered++; else break;
            }
            assertThat(answered).as("30 per 5 minutes (a slow machine may see a token refill)").isBetween(30, 33);
            assertThat(last.status()).isEqualTo(429);
            assertThat(last.errorCode()).isEqualTo("rate_limited");
        }
    }

    private static Res postFrom(TestServer server, String forwardedFor, String path, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<byte[]> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Res(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
        } catch (IOException e) {
            throw new AssertionError(path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void healthMetricsAndStaticWebApp() {
        Res live = s.get("/health/live", null);
        assertThat(live.status()).isEqualTo(200);
        Res head = s.call("HEAD", "/health/live", null, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.raw().body()).isEmpty();
        Res ready = s.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ok");
        assertThat(ready.json().get("checks").get("database").asText()).isEqualTo("up");
        assertThat(ready.json().get("checks").get("redis").asText()).isEqualTo("disabled");
        assertThat(ready.json().get("checks").get("turn").asText()).isEqualTo("not_configured");

        String token = s.signup("dave");
        s.get("/api/v1/me", token);
        Res metrics = s.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("content-type")).startsWith("text/plain");
        assertThat(metrics.body()).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/me\",status=\"200\"")
                .contains("socketio_connections_open").contains("qring_chat_acks_total").contains("jvm_memory_used_bytes")
                .doesNotContain(token).doesNotContain("qh_");

        Res index = s.get("/", null);
        if (index.status() == 200) {   // the web app jar is on the classpath in a full build
            assertThat(index.header("content-type")).startsWith("text/html");
            assertThat(index.header("content-security-policy")).contains("default-src 'self'").contains("frame-ancestors 'none'")
                    .contains("script-src 'self'").contains("object-src 'none'")
                    .contains("connect-src 'self';").doesNotContain("ws:").doesNotContain("wss:");
            assertThat(index.header("x-content-type-options")).isEqualTo("nosniff");
            Res spa = s.get("/d/some-slug", null);
            assertThat(spa.status()).isEqualTo(200);
            assertThat(spa.body()).isEqualTo(index.body());
            assertThat(s.get("/app/doors", null).body()).isEqualTo(index.body());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("/assets/[^\"']+\\.js").matcher(index.body());
            if (m.find()) {
                Res asset = s.get(m.group(), null);
                assertThat(asset.status()).isEqualTo(200);
                assertThat(asset.header("cache-control")).contains("immutable");
                assertThat(asset.header("content-type")).startsWith("text/javascript");
            }
        }
        assertThat(s.get("/../../etc/passwd", null).status()).isEqualTo(404);
        assertThat(s.get("/no-such-file.txt", null).status()).isEqualTo(404);
    }
}
