package dev.qring.app.realtime.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.app.support.TestServer;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Calls and WebRTC signaling end to end with the official socket.io-client 4.8 (scripts in src/test/js/calls)
 * against the real server; subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CallSignalingContract {
    TestServer server;

    protected abstract TestServer startServer();

    protected void stopDatabase() { }

    @BeforeAll
    void start() {
        server = startServer();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        stopDatabase();
    }

    static Path js(String name) {
        return TestPaths.repoRoot().resolve("backend/app/src/test/js/calls/" + name);
    }

    /** relay.mjs: ringing, racing accepts, relay to the other party only / in order / once, validation, ICE restart. */
    @Test
    void signalingReachesTheOtherPartyOnlyInOrderOnce() {
        NodeScript.Result r = NodeScript.of(js("relay.mjs")).args(server.base).timeout(Duration.ofSeconds(90)).run();
        String result = r.requireLine("RESULT ");
        assertThat(result).as("relay.mjs output:\n%s", r.tail()).startsWith("{\"ok\":true");
        r.assertExitCode(0);
        // Operations see the calls by outcome and ICE path.
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).containsPattern("qring_calls_finished_total\\{outcome=\"ended\",path=\"relay/tls\",?} [1-9]");
        assertThat(metrics).containsPattern("qring_calls_finished_total\\{outcome=\"cancelled\",path=\"none\",?} [1-9]");
        assertThat(metrics).containsPattern("qring_calls_connected_total\\{path=\"relay/tls\",?} [1-9]");
        assertThat(metrics).contains("qring_call_setup_seconds");
    }

    /** presence.mjs: the stored reconnect-grace markers follow the parties' signaling connections. */
    @Test
    void partiesSignalingConnectionsDriveTheReconnectGrace() throws Exception {
        Path steps = TestPaths.scratch("call-presence-steps");
        CompletableFuture<NodeScript.Result> script = CompletableFuture.supplyAsync(() ->
                NodeScript.of(js("presence.mjs")).args(server.base, steps.toString()).timeout(Duration.ofSeconds(90)).run());
        int done = 0;
        while (!script.isDone()) {
            if (done == 0 && requested(steps, "visitor-gone")) {
                UUID callId = UUID.fromString(Files.readString(steps.resolve("call-id")).trim());
                awaitLost(callId, "visitor_lost_at", true);
                confirm(steps, "visitor-gone");
                done++;
            } else if (done == 1 && requested(steps, "visitor-back")) {
                UUID callId = UUID.fromString(Files.readString(steps.resolve("call-id")).trim());
                awaitLost(callId, "visitor_lost_at", false);
                confirm(steps, "visitor-back");
                done++;
            } else if (done == 2 && requested(steps, "laptop-gone")) {
                UUID callId = UUID.fromString(Files.readString(steps.resolve("call-id")).trim());
                Thread.sleep(500); // a device that is not in the call leaving must change nothing
                assertThat(lostAt(callId, "homeowner_lost_at")).isNull();
                assertThat(lostAt(callId, "visitor_lost_at")).isNull();
                confirm(steps, "laptop-gone");
                done++;
            } else if (done == 3 && requested(steps, "phone-gone")) {
                UUID callId = UUID.fromString(Files.readString(steps.resolve("call-id")).trim());
                awaitLost(callId, "homeowner_lost_at", true);
                confirm(steps, "phone-gone");
                done++;
            }
            Thread.sleep(20);
        }
        NodeScript.Result r = script.get();
        assertThat(r.requireLine("RESULT ")).as("presence.mjs output:\n%s", r.tail()).startsWith("{\"ok\":true");
        assertThat(done).isEqualTo(4);
    }

    private static boolean requested(Path steps, String name) {
        return Files.exists(steps.resolve(name + ".request"));
    }

    private static void confirm(Path steps, String name) throws Exception {
        Files.writeString(steps.resolve(name + ".done"), "ok");
    }

    private void awaitLost(UUID callId, String column, boolean expectSet) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while ((lostAt(callId, column) != null) != expectSet) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(column + " of call " + callId + " should be " + (expectSet ? "set" : "cleared"));
            }
            Thread.sleep(20);
        }
    }

    private Object lostAt(UUID callId, String column) {
        return server.server.database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM call WHERE id = ?")) {
                ps.setObject(1, callId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    return rs.getObject(1);
                }
            }
        });
    }
}
