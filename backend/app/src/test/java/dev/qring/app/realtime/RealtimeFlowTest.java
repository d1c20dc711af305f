package dev.qring.app.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.app.support.TestServer;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The realtime contract end to end with the official socket.io-client 4.8 (node scripts in src/test/js), against a
 * real server on embedded H2 (the same flow on PostgreSQL runs in {@link PostgresEndToEndTest}).
 */
class RealtimeFlowTest {
    static Path js(String name) { return TestPaths.repoRoot().resolve("backend/app/src/test/js/" + name); }

    static String runScript(String script, String base) {
        NodeScript.Result r = NodeScript.of(js(script)).args(base).timeout(Duration.ofSeconds(90)).run();
        String result = r.requireLine("RESULT ");
        assertThat(result).as("%s output:\n%s", script, r.tail()).startsWith("{\"ok\":true");
        r.assertExitCode(0);
        return result;
    }

    @Test
    void visitorRingsChatsReconnectsOnH2() {
        try (TestServer s = TestServer.start()) {
            runScript("e2e-flow.mjs", s.base);
            // the flow is visible to operators: one ring answered and ended, chat acks by outcome, connections
            String metrics = s.get("/metrics", null).body();
            assertThat(metrics).contains("qring_rings_total{outcome=\"ringing\"} 1.0")
                    .contains("qring_rings_total{outcome=\"answered\"} 1.0")
                    .contains("qring_rings_total{outcome=\"ended\"} 1.0")
                    .contains("qring_chat_acks_total{outcome=\"saved\"} 5.0")
                    .contains("qring_chat_acks_total{outcome=\"duplicate\"} 1.0")
                    .containsPattern("socketio_connections_total [1-9]")
                    .doesNotContainPattern("qh_[A-Za-z0-9_-]{10}|qv_[A-Za-z0-9_-]{10}");
        }
    }

    @Test
    void authorizationAndInvalidEvents() {
        try (TestServer s = TestServer.start()) {
            runScript("authz.mjs", s.base);
        }
    }

    /** join-failure.mjs: a session.join whose history read fails leaves the room, presence and joined set as before. */
    @Test
    void aJoinThatFailsAfterEnteringTheRoomLeavesNoTrace() throws Exception {
        try (TestServer s = TestServer.start()) {
            Path steps = TestPaths.scratch("join-failure-steps");
            CompletableFuture<NodeScript.Result> script = CompletableFuture.supplyAsync(() ->
                    NodeScript.of(js("join-failure.mjs")).args(s.base, steps.toString()).timeout(Duration.ofSeconds(90)).run());
            boolean broken = false;
            boolean fixed = false;
            while (!script.isDone()) {
                if (!broken && Files.exists(steps.resolve("break-history.request"))) {
                    sql(s, "ALTER TABLE message RENAME TO message_hidden");
                    Files.writeString(steps.resolve("break-history.done"), "ok");
                    broken = true;
                } else if (broken && !fixed && Files.exists(steps.resolve("fix-history.request"))) {
                    sql(s, "ALTER TABLE message_hidden RENAME TO message");
                    Files.writeString(steps.resolve("fix-history.done"), "ok");
                    fixed = true;
                }
                Thread.sleep(20);
            }
            NodeScript.Result r = script.get();
            assertThat(r.requireLine("RESULT ")).as("join-failure.mjs output:\n%s", r.tail()).startsWith("{\"ok\":true");
            r.assertExitCode(0);
        }
    }

    private static void sql(TestServer s, String statement) throws Exception {
        try (Connection c = s.server.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
