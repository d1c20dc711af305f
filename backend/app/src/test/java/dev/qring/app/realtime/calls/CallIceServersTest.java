package dev.qring.app.realtime.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.support.TestServer;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The call.start / call.accept acks carry STUN + TURN entries with short-lived TURN REST credentials, in the same shape
 * (refreshAt included) and with the same TURN username subject as {@code GET /api/v1/ice-servers}.
 */
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
            UUID sessionId = UUID.fromString(result.get("sessionId").asText());
            UUID homeownerId = UUID.fromString(result.get("homeownerId").asText());
            VisitorPrincipal visitor = new VisitorPrincipal(sessionId, UUID.fromString(result.get("doorId").asText()), homeownerId);
            HomeownerPrincipal owner = new HomeownerPrincipal(homeownerId, "any-device");
            // start: the visitor; accept: the homeowner; GET /ice-servers by each. Same fields, same subjects.
            Map<String, Principal> who = new LinkedHashMap<>();
            who.put("start", visitor);
            who.put("accept", owner);
            who.put("httpVisitor", visitor);
            who.put("httpOwner", owner);
            for (var e : who.entrySet()) {
                String ack = e.getKey();
                JsonNode a = result.get(ack);
                assertThat(a).as(ack).isNotNull();
                // One shape everywhere (docs/operations.md §3): these four fields, nothing else.
                List<String> fields = new ArrayList<>();
                a.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as(ack).containsExactly("iceServers", "ttlSeconds", "expiresAt", "refreshAt");
                assertThat(a.get("ttlSeconds").asLong()).as(ack).isEqualTo(600);
                Instant expiresAt = Instant.parse(a.get("expiresAt").asText());
                assertThat(expiresAt).as(ack).isBetween(Instant.now().plusSeconds(500), Instant.now().plusSeconds(700));
                // refreshAt: 80 % of the TTL after issue, i.e. 120 s before expiry.
                Instant refreshAt = Instant.parse(a.get("refreshAt").asText());
                assertThat(refreshAt).as(ack).isEqualTo(expiresAt.minusSeconds(120));
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
                long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
                assertThat(expiry).isEqualTo(expiresAt.getEpochSecond());
                assertThat(turn.get("credential").asText()).isEqualTo(IceServerIssuer.credential(SECRET, username));
                // The opaque id derives from the one subject function, over HTTP and in the acks alike.
                assertThat(username.substring(username.indexOf(':') + 1)).as(ack + " opaque id")
                        .isEqualTo(opaqueId(IceServerIssuer.subject(e.getValue()), expiry));
            }
            // A retried hang-up is answered ok with the ended call; a retried accept of the ended call gets the call
            // but no fresh TURN credentials.
            JsonNode endAgain = result.get("endAgain");
            assertThat(endAgain.get("ok").asBoolean()).as("retried end %s", endAgain).isTrue();
            assertThat(endAgain.get("call").get("state").asText()).isEqualTo("ended");
            JsonNode acceptAgain = result.get("acceptAgain");
            assertThat(acceptAgain.get("ok").asBoolean()).as("retried accept %s", acceptAgain).isTrue();
            assertThat(acceptAgain.get("call").get("state").asText()).isEqualTo("ended");
            assertThat(acceptAgain.has("iceServers")).as("retried accept %s", acceptAgain).isFalse();
            assertThat(acceptAgain.has("refreshAt")).isFalse();
        }
    }

    /** operations.md §3: base64url(HMAC-SHA256(secret, "qring-turn-id\0" + subject + "\0" + expiry)), 16 characters. */
    static String opaqueId(String subject, long expiry) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] h = mac.doFinal(("qring-turn-id\0" + subject + "\0" + expiry).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(h).substring(0, 16);
    }
}
