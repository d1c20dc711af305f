package dev.qring.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qring.testkit.ManagedProcess;
import dev.qring.testkit.TestPaths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link Main} as a real process: exit code 2 on bad configuration, JSON logs, the banner, graceful SIGTERM. */
class MainProcessTest {
    static List<String> java() {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(javaBin, "-cp", System.getProperty("java.class.path"), "dev.qring.app.Main");
    }

    @Test
    void invalidConfigurationExitsWith2AndNamesTheVariable() {
        try (ManagedProcess p = ManagedProcess.start("qring-bad-config", java(), Map.of("QRING_RING_TIMEOUT", "soon"), null)) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.logText()).contains("qring: invalid configuration: QRING_RING_TIMEOUT:").doesNotContain("\tat ");
        }
    }

    @Test
    void startsWithJsonLogsServesAndStopsOnSigterm() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("QRING_HTTP_PORT", "0");
        env.put("QRING_BIND_ADDRESS", "127.0.0.1");
        env.put("QRING_LOG_FORMAT", "json");
        env.put("QRING_DATA_DIR", TestPaths.scratch("main-h2").toString());
        env.put("QRING_TURN_URLS", "turn:127.0.0.1:3478?transport=udp");
        env.put("QRING_TURN_SECRET", "s3cret-s3cret-s3cret-s3cret");
        long t0 = System.nanoTime();
        ManagedProcess p = ManagedProcess.start("qring-main", java(), env, null);
        try {
            Pattern running = Pattern.compile("QRing is running on port (\\d+)");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Matcher m = running.matcher("");
            while (System.nanoTime() < deadline && !(m = running.matcher(p.logText())).find()) {
                assertThat(p.isAlive()).as(p.tail(3000)).isTrue();
                Thread.sleep(100);
            }
            assertThat(m.find(0)).as(p.tail(3000)).isTrue();
            int port = Integer.parseInt(m.group(1));
            System.out.printf("started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            var res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);

            String out = p.logText();
            assertThat(out).contains("http://localhost:" + port + "/app ").contains("/d/{qrSlug}").contains("curl -s http://localhost:" + port + "/api/v1/auth/signup")
                    .doesNotContain("s3cret");
            ObjectMapper json = new ObjectMapper();
            long jsonLines = out.lines().filter(l -> l.startsWith("{")).peek(l -> {
                try {
                    assertThat(json.readTree(l).has("message")).isTrue();
                } catch (Exception e) {
                    throw new AssertionError("not a JSON log line: " + l);
                }
            }).count();
            assertThat(jsonLines).isGreaterThanOrEqualTo(2);
        } finally {
            long t1 = System.nanoTime();
            p.close();   // SIGTERM first: the shutdown hook runs
            System.out.printf("stopped in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        }
        assertThat(p.logText()).contains("shutting down");
    }
}
