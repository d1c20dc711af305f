package dev.qring.app.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.app.support.TestServer;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.PostgresProcess;
import dev.qring.testkit.RedisProcess;
import dev.qring.testkit.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end on a real PostgreSQL (one server process shared by both tests, one database each): the visitor flow
 * ({@code e2e-flow.mjs}), two instances fanning out through Redis ({@code cluster.mjs}), and PostgreSQL stopped
 * mid-conversation, end to end through socket.io-client (src/test/js/outage.mjs). The script asks
 * for "db-stop" / "db-start" through request files; this test performs them on the real PostgreSQL process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresEndToEndTest {
    PostgresProcess pg;

    @BeforeAll
    void startPostgres() { pg = PostgresProcess.startNew(); }

    @AfterAll
    void stopPostgres() { if (pg != null) pg.close(); }

    @Test
    @Order(1)
    void visitorRingsChatsReconnectsOnPostgres() {
        pg.createDatabase("qring_flow");
        try (TestServer s = TestServer.start(Map.of("QRING_DATABASE_URL", pg.url("qring_flow")))) {
            RealtimeFlowTest.runScript("e2e-flow.mjs", s.base);
        }
    }

    /**
     * Fast shutdown (SIGINT to the postmaster, by the pid in its pid file) and wait until PostgreSQL removed the pid
     * file, then let the harness clean up. Waiting on the pid file keeps the outage short (PostgresProcess.stop alone
     * waits on a process handle that, here, reports the exit only after its 20 s grace).
     */
    static void stopFast(PostgresProcess pg) throws Exception {
        Path pidFile = pg.dataDir().resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (Files.exists(pidFile) && System.nanoTime() < deadline) Thread.sleep(20);
        }
        pg.stop();
    }

    @Test
    @Order(2)
    void twoInstancesFanOutThroughRedis() {
        pg.createDatabase("qring_cluster");
        try (RedisProcess redis = RedisProcess.startNew()) {
            Map<String, String> env = Map.of("QRING_DATABASE_URL", pg.url("qring_cluster"), "QRING_REDIS_URL", redis.url());
            try (TestServer a = TestServer.start(env); TestServer b = TestServer.start(env)) {
                NodeScript.Result r = NodeScript.of(TestPaths.repoRoot().resolve("backend/app/src/test/js/cluster.mjs"))
                        .args(a.base, b.base).timeout(Duration.ofSeconds(60)).run();
                assertThat(r.requireLine("RESULT ")).as(r.tail()).startsWith("{\"ok\":true");
                assertThat(a.get("/metrics", null).body()).containsPattern("qring_cluster_published_total [1-9]");
                assertThat(b.get("/metrics", null).body()).containsPattern("qring_cluster_received_total [1-9]");
            }
        }
    }

    @Test
    @Order(3)
    void chatDuringAndAfterADatabaseOutage() throws Exception {
        {
            pg.createDatabase("qring_outage");
            try (TestServer s = TestServer.start(Map.of("QRING_DATABASE_URL", pg.url("qring_outage")))) {
                Path steps = TestPaths.scratch("outage-steps");
                CompletableFuture<NodeScript.Result> script = CompletableFuture.supplyAsync(() ->
                        NodeScript.of(TestPaths.repoRoot().resolve("backend/app/src/test/js/outage.mjs"))
                                .args(s.base, steps.toString()).timeout(Duration.ofSeconds(100)).run());
                boolean stopped = false;
                boolean restarted = false;
                while (!script.isDone()) {
                    if (!stopped && Files.exists(steps.resolve("db-stop.request"))) {
                        long t0 = System.nanoTime();
                        stopFast(pg);
                        System.out.printf("postgres stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                        stopped = true;
                        Files.writeString(steps.resolve("db-stop.done"), "ok");
                    }
                    if (!restarted && Files.exists(steps.resolve("db-start.request"))) {
                        // the server must have stayed up through the outage
                        assertThat(s.get("/health/live", null).status()).isEqualTo(200);
                        long t0 = System.nanoTime();
                        pg.start();
                        System.out.printf("postgres started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                        restarted = true;
                        Files.writeString(steps.resolve("db-start.done"), "ok");
                    }
                    Thread.sleep(50);
                }
                NodeScript.Result r = script.get();
                String result = r.requireLine("RESULT ");
                assertThat(result).as("outage.mjs:\n%s", r.tail()).startsWith("{\"ok\":true");
                assertThat(stopped && restarted).isTrue();
                r.assertExitCode(0);
            }
        }
    }
}
