package dev.qring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.socketio.SocketIoOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Backpressure end to end with the official socket.io-client: our server with a 256 KB outbound queue per
 * connection; one client behind a proxy stops reading while its room is flooded with 20 MB. The server must drop
 * that client (and count it), without running out of memory, while the flooding client keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientInteropTest {
    private InteropServer server;

    @BeforeAll
    void start() {
        server = new InteropServer(SocketIoOptions.defaults().withOutboundQueueLimit(256 * 1024));
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void stalledClientIsDisconnectedWhenItsQueueOverflows() {
        long before = server.io.stats().slowClientDisconnects();
        runSlowClientScript();
        assertThat(server.io.stats().slowClientDisconnects() - before).isEqualTo(1);
        // the stalled socket left with a transport-level reason (ours says "transport error"), not a client disconnect
        assertThat(server.events("disconnect")).extracting(InteropServer.Event::detail)
                .containsAnyOf("transport error", "transport close", "forced close");
    }

    private void runSlowClientScript() {
        dev.qring.testkit.NodeScript.of(JsTests.dir().resolve("interop/slow-client.test.mjs"))
                .args(server.proxiedUrl(), server.url()).timeout(Duration.ofSeconds(45)).runTests()
                .assertAllTestsPassed(1);
    }
}
