package dev.qring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The official protocol test suites (ported to node:test under src/test/js/protocol-suite) and the official
 * engine.io-client, run against {@code ConformanceMain} in its own JVM, in both modes. A failure message lists each
 * failed suite test with what it expected and got. Because the suites' timings are tight (300 ms / 200 ms), a few
 * failed tests are run again (twice at most) before the suite is declared failed (see {@link JsTests#runAllPassingWithRetries}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProtocolSuiteTest {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SocketIoMode {
        private ConformanceServerProcess server;

        @BeforeAll
        void start() { server = ConformanceServerProcess.start("socketio"); }

        @AfterAll
        void stop() { if (server != null) server.close(); }

        @Test
        void officialSocketIoV5Suite() {
            JsTests.runAllPassingWithRetries("protocol-suite/socketio.test.mjs", server.url(), NODE_TIMEOUT, 37);
            assertThat(server.isAlive()).as("malformed input never takes the server down").isTrue();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class EngineIoMode {
        private ConformanceServerProcess server;

        @BeforeAll
        void start() { server = ConformanceServerProcess.start("engineio"); }

        @AfterAll
        void stop() { if (server != null) server.close(); }

        @Test
        void officialEngineIoV4Suite() {
            JsTests.runAllPassingWithRetries("protocol-suite/engineio.test.mjs", server.url(), NODE_TIMEOUT, 29);
            assertThat(server.isAlive()).isTrue();
        }

        @Test
        void officialEngineIoClient() {
            // same 300/200 ms heartbeat as the suites, hence the same retry rule
            JsTests.runAllPassingWithRetries("engineio/engineio-client.test.mjs", server.url(), NODE_TIMEOUT, 9);
        }
    }
}
