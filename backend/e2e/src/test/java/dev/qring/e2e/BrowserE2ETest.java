package dev.qring.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web app in real headless Chromium (fake camera and microphone) against the real server, a real PostgreSQL
 * and a real coturn, all on loopback ports of this test. Each test is a node script (playwright-core) that prints
 * one {@code RESULT {json}} line; the assertions that matter are made both in the script (so its log says what
 * broke) and here on the reported figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserE2ETest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JS = TestPaths.repoRoot().resolve("backend/e2e/src/test/js");
    static final Path SHOTS = TestPaths.repoRoot().resolve("docs/screenshots");

    E2eStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = new E2eStack("browser").startPostgres().startCoturn()
                .startServer(Map.of("QRING_CHAT_SAVE_TIMEOUT", "2s"));
    }

    @AfterAll
    void stop() {
        if (stack != null) stack.close();
    }

    JsonNode runScript(String name, Map<String, String> env) throws Exception {
        NodeScript script = NodeScript.of(JS.resolve(name)).timeout(Duration.ofSeconds(240))
                .env("QRING_BASE_URL", stack.baseUrl())
                .env("QRING_CONTROL_URL", stack.controlUrl())
                .env("QRING_SCREENSHOTS", SHOTS.toString())
                .env("QRING_SPKI", stack.turnSpki == null ? "" : stack.turnSpki);
        env.forEach(script::env);
        NodeScript.Result r = script.run();
        r.assertExitCode(0);
        return JSON.readTree(r.requireLine("RESULT "));
    }

    @Test
    @Order(1)
    void visitorRingsHomeownerAcceptsChatReachesReadThenRelayOnlyVideoCall() throws Exception {
        JsonNode r = runScript("chat-and-call.mjs", Map.of("QRING_CALL", "1"));
        assertThat(r.path("visitorBodies")).hasSize(2);
        assertThat(r.path("visitorBodies")).isEqualTo(r.path("homeBodies"));
        JsonNode call = r.path("call");
        for (String side : new String[] {"visitor", "homeowner"}) {
            JsonNode s = call.path(side);
            assertThat(s.path("selectedLocal").asText()).as(side + " selected local candidate").isEqualTo("relay");
            assertThat(s.path("selectedRemote").asText()).as(side + " selected remote candidate").isEqualTo("relay");
            assertThat(s.path("framesDecoded").asInt()).as(side + " decoded frames").isGreaterThan(10);
            for (JsonNode c : s.path("localCandidates")) assertThat(c.path("type").asText()).isEqualTo("relay");
        }
        assertThat(call.path("visitorBadge").asText()).startsWith("Relay");
        // ICE restart (what a network change triggers): new ICE credentials, media keeps flowing.
        JsonNode restart = call.path("restart");
        assertThat(restart.path("ufragAfter").asText()).isNotEmpty().isNotEqualTo(restart.path("ufragBefore").asText());
        assertThat(restart.path("framesAfter").asInt()).isGreaterThan(restart.path("framesBefore").asInt());
        // Poor network (20 % loss, three samples): video stops, audio stays, the visitor is told.
        assertThat(call.path("stepDown").path("text").asText()).contains("audio only");
        assertThat(call.path("stepDown").path("videoSending").asBoolean()).isFalse();
        assertThat(call.path("stepDown").path("audioSending").asBoolean()).isTrue();
        // The server's call record, as both sides received it when the call ended.
        JsonNode ended = call.path("ended");
        assertThat(ended.path("state").asText()).isEqualTo("ended");
        assertThat(ended.path("path").asText()).startsWith("relay/");
        assertThat(ended.path("answeredAt").asText()).isNotEmpty();
        assertThat(ended.path("connectedAt").asText()).isNotEmpty();
        assertThat(call.path("visitor").path("setupMs").asInt()).isPositive();
        // ... and the setup time the server recorded (call.stats → the call record's setupMs), as both sides show it.
        for (JsonNode e : new JsonNode[] {ended, call.path("homeEnded")}) {
            assertThat(e.path("serverSetupMs").asText()).as("server call record setupMs").matches("\\d+");
            assertThat(Integer.parseInt(e.path("serverSetupMs").asText())).as("server call record setupMs").isPositive();
        }
    }

    @Test
    @Order(3)
    void databaseOutageShowsNotSavedThenRetrySavesExactlyOnce() throws Exception {
        JsonNode r = runScript("db-outage.mjs", Map.of());
        assertThat(r.path("homeCount").asInt()).isEqualTo(1);
        assertThat(r.path("visitorCount").asInt()).isEqualTo(1);
        // The 2 s store bound plus slack: the sender learns quickly that it was not saved.
        assertThat(r.path("notSavedAfterMs").asLong()).isLessThan(15_000);
    }

    @Test
    @Order(4)
    void homeownerReconnectGetsAllMissedMessagesOnceInOrder() throws Exception {
        JsonNode r = runScript("reconnect.mjs", Map.of());
        assertThat(r.path("homeBodies").toString())
                .containsSubsequence("One: are you there?", "Two: I will wait a minute", "Three: leaving it by the door");
        // A ring while the dashboard was offline: its alert comes from the re-read of the ringing sessions.
        assertThat(r.path("missedRingShown").asBoolean()).isTrue();
        assertThat(r.path("missedRingVisitor").asText()).isEqualTo("Milo Missed");
    }

    @Test
    @Order(5)
    void diagnosticsShowsRelayCandidatesForUdpTcpAndTls() throws Exception {
        JsonNode r = runScript("diagnostics.mjs", Map.of());
        for (String transport : new String[] {"udp", "tcp", "tls"}) {
            boolean relay = false;
            for (JsonNode row : r.path("rows")) {
                if (row.path("transport").asText().equals(transport) && row.path("relay").asBoolean()) relay = true;
            }
            assertThat(relay).as("relay candidate over " + transport).isTrue();
        }
    }
}
