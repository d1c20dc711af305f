package dev.qring.app.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qring.app.QRingServer;
import dev.qring.app.config.AppConfig;
import dev.qring.testkit.TestPaths;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real QRing server in-process on a free port (H2 in a temp dir unless a database URL is given) + an HTTP client. */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final QRingServer server;
    public final String base;

    private TestServer(QRingServer server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
    }

    public static TestServer start(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("QRING_HTTP_PORT", "0");
        env.put("QRING_BIND_ADDRESS", "127.0.0.1");
        env.put("QRING_PUBLIC_URL", "https://qring.test");
        env.put("QRING_DATA_DIR", TestPaths.scratch("app-h2").toString());
        env.putAll(extraEnv);
        return new TestServer(QRingServer.start(AppConfig.fromEnvironment(env)));
    }

    public static TestServer start() { return start(Map.of()); }

    public record Res(int status, String body, HttpResponse<byte[]> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body);
            }
        }

        public String header(String name) { return raw.headers().firstValue(name).orElse(null); }

        public String errorCode() { return json().path("error").path("code").asText(null); }
    }

    public Res call(String method, String path, String token, String body) {
        return call(method, path, token, body, "application/json");
    }

    public Res call(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null && contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Res(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Res get(String path, String token) { return call("GET", path, token, null); }

    public Res post(String path, String token, String body) { return call("POST", path, token, body); }

    /** Signs up a fresh homeowner; returns its token. */
    public String signup(String name) {
        Res r = post("/api/v1/auth/signup", null, "{\"email\":\"" + name + "-" + System.nanoTime() + "@example.com\","
                + "\"password\":\"correct horse battery\",\"displayName\":\"" + name + "\"}");
        if (r.status() != 201) throw new AssertionError("signup: " + r.status() + " " + r.body());
        return r.json().get("token").asText();
    }

    public JsonNode createDoor(String token, String label) {
        Res r = post("/api/v1/doors", token, "{\"label\":\"" + label + "\"}");
        if (r.status() != 201) throw new AssertionError("door: " + r.status() + " " + r.body());
        return r.json().get("door");
    }

    @Override
    public void close() { server.close(); }
}
