package dev.qring.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.support.TestServer;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expired homeowner and visitor tokens stop working on HTTP and are refused at Socket.IO connect. */
class ExpiredTokensTest {
    @Test
    void expiredTokensAreRefusedEverywhere() throws Exception {
        try (TestServer s = TestServer.start(Map.of("QRING_HOMEOWNER_TOKEN_TTL", "2s", "QRING_VISITOR_TOKEN_TTL", "2s"))) {
            String owner = s.signup("frank");
            String slug = s.createDoor(owner, "Door").get("qrSlug").asText();
            var created = s.post("/api/v1/visitor-sessions", null,
                    "{\"qrSlug\":\"" + slug + "\",\"requestId\":\"r\",\"visitorName\":\"V\",\"purpose\":\"\"}").json();
            String visitor = created.get("visitorToken").asText();
            String sid = created.get("session").get("id").asText();
            assertThat(s.get("/api/v1/me", owner).status()).isEqualTo(200);
            assertThat(s.get("/api/v1/sessions/" + sid, visitor).status()).isEqualTo(200);

            Thread.sleep(2500);
            assertThat(s.get("/api/v1/me", owner).status()).isEqualTo(401);
            assertThat(s.get("/api/v1/me", owner).errorCode()).isEqualTo("unauthorized");
            assertThat(s.get("/api/v1/sessions/" + sid, visitor).status()).isEqualTo(401);

            NodeScript.Result r = NodeScript.of(TestPaths.repoRoot().resolve("backend/app/src/test/js/connect-outcomes.mjs"))
                    .args(s.base, owner, visitor).timeout(Duration.ofSeconds(30)).run();
            assertThat(r.requireLine("RESULT ")).as(r.tail())
                    .isEqualTo("{\"signalingHomeowner\":\"unauthorized\",\"dashboardHomeowner\":\"unauthorized\",\"signalingVisitor\":\"unauthorized\"}");
        }
    }

    /** Credentials are checked at connect only: a connected socket is disconnected when its token expires. */
    @Test
    void connectedSocketsAreDisconnectedWhenTheirTokenExpires() throws Exception {
        try (TestServer s = TestServer.start(Map.of("QRING_HOMEOWNER_TOKEN_TTL", "6s", "QRING_VISITOR_TOKEN_TTL", "6s"))) {
            long issuedAt = System.currentTimeMillis();
            String owner = s.signup("gwen");
            String slug = s.createDoor(owner, "Door").get("qrSlug").asText();
            String visitor = s.post("/api/v1/visitor-sessions", null,
                    "{\"qrSlug\":\"" + slug + "\",\"requestId\":\"r\",\"visitorName\":\"V\",\"purpose\":\"\"}").json()
                    .get("visitorToken").asText();
            NodeScript.Result r = NodeScript.of(TestPaths.repoRoot().resolve("backend/app/src/test/js/token-expiry.mjs"))
                    .args(s.base, owner, visitor, Long.toString(issuedAt), "15000").timeout(Duration.ofSeconds(40)).run();
            JsonNode result = TestServer.JSON.readTree(r.requireLine("RESULT "));
            for (String socket : new String[]{"signalingHomeowner", "dashboardHomeowner", "signalingVisitor"}) {
                assertThat(result.path("reasons").path(socket).asText()).as(socket + "\n" + r.tail()).isEqualTo("io server disconnect");
                // not before the token expired (6 s after issue), and not much later
                assertThat(result.path("afterMs").path(socket).asLong()).as(socket).isBetween(5_500L, 12_000L);
            }
        }
    }
}
