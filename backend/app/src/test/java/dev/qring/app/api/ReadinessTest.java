package dev.qring.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.support.TestServer;
import dev.qring.testkit.RedisProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /health/ready with a configured Redis and TURN: up → 200; Redis stopped → 503 naming it; back → 200. */
class ReadinessTest {
    @Test
    void readinessFollowsRedisAndReportsTurn() throws Exception {
        try (RedisProcess redis = RedisProcess.startNew();
             TestServer s = TestServer.start(Map.of("QRING_REDIS_URL", redis.url(),
                     "QRING_TURN_URLS", "turn:127.0.0.1:3478?transport=udp",
                     "QRING_TURN_SECRET", "0123456789abcdef0123456789abcdef"))) {
            TestServer.Res ok = s.get("/health/ready", null);
            assertThat(ok.status()).isEqualTo(200);
            JsonNode checks = ok.json().get("checks");
            assertThat(checks.get("redis").asText()).isEqualTo("up");
            assertThat(checks.get("turn").asText()).isEqualTo("configured");

            redis.stop();
            TestServer.Res down = s.get("/health/ready", null);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("status").asText()).isEqualTo("unavailable");
            assertThat(down.json().get("checks").get("redis").asText()).isEqualTo("down");
            assertThat(down.json().get("checks").get("database").asText()).isEqualTo("up");
            assertThat(s.get("/health/live", null).status()).isEqualTo(200);

            redis.start();
            assertThat(s.get("/health/ready", null).status()).isEqualTo(200);

            // the TURN secret never leaks: not in ICE answers' URLs, not in metrics
            String visitorlessToken = s.signup("gina");
            TestServer.Res ice = s.get("/api/v1/ice-servers", visitorlessToken);
            assertThat(ice.status()).isEqualTo(200);
            assertThat(ice.body()).contains("turn:127.0.0.1:3478").doesNotContain("0123456789abcdef0123456789abcdef");
            assertThat(ice.json().get("iceServers").findValues("credential")).isNotEmpty();
            assertThat(s.get("/metrics", null).body()).doesNotContain("0123456789abcdef");
        }
    }
}
