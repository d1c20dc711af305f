package dev.qring.app.realtime.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.support.TestServer;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The call.start / call.accept acks carry STUN + TURN entries with short-lived TURN REST credentials. */
class CallIceServersTest {
    static final String SECRET = "call-ice-test-secret-0123456789";

    @Test
    void callAcksCarryFreshTurnCredentials() throws Exception {
        try (TestServer s = TestServer.start(Map.of(
                "QRING_STUN_URLS", "stun:127.0.0.1:3478",
                "QRING_TURN_URLS", "turns:127.0.0.1:5349?transport=tcp,turn:127.0.0.1:3478?transport=udp",
                "QRING_TURN_SECRET", SECRET,
                "QRING_TURN_TTL", "10m"))) {
            NodeScript.Result r = NodeScript.of(TestPaths.repoRoot().resolve("backend/app/src/test/js/calls/ice.mjs"))
                    .args(s.base).timeout(Duration.ofSeconds(60)).run();
            String line = r.requireLine("RESULT ");
            assertThat(line).as("ice.mjs output:\n%s", r.tail()).startsWith("{\"ok\":true");
            JsonNode result = TestServer.JSON.readTree(line);
            for (String ack : new String[]{"start", "accept"}) {
                JsonNode a = result.get(ack);
                assertThat(a.get("ttlSeconds").asLong()).as(ack).isEqualTo(600);
                Instant expiresAt = Instant.parse(a.get("expiresAt").asText());
                assertThat(expiresAt).as(ack).isBetween(Instant.now().plusSeconds(500), Instant.now().plusSeconds(700));
                JsonNode servers = a.get("iceServers");
                assertThat(servers).as(ack).hasSize(2);
                assertThat(servers.get(0).get("urls").get(0).asText()).isEqualTo("stun:127.0.0.1:3478");
                assertThat(servers.get(0).has("credential")).isFalse();
                JsonNode turn = servers.get(1);
                // UDP before TLS, whatever the configured order.
                assertThat(turn.get("urls").get(0).asText()).startsWith("turn:127.0.0.1:3478");
                assertThat(turn.get("urls").get(1).asText()).startsWith("turns:127.0.0.1:5349");
                String username = turn.get("username").asText();
                assertThat(username).matches("\\d+:[A-Za-z0-9_-]+");
                assertThat(Long.parseLong(username.substring(0, username.indexOf(':')))).isEqualTo(expiresAt.getEpochSecond());
                assertThat(turn.get("credential").asText()).isEqualTo(IceServerIssuer.credential(SECRET, username));
            }
        }
    }
}
