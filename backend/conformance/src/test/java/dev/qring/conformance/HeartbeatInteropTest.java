package dev.qring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.socketio.SocketIoOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Heartbeats with the official socket.io-client: our server with pingInterval 1 s / pingTimeout 1 s, reached
 * through a proxy that black-holes the connections on demand (no bytes, no close, like a phone in a tunnel).
 * Both ends must detect it by heartbeat ("ping timeout"), and the client must reconnect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HeartbeatInteropTest {
    private InteropServer server;

    @BeforeAll
    void start() {
        server = new InteropServer(SocketIoOptions.defaults().withPing(Duration.ofMillis(1000), Duration.ofMillis(1000)));
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void blackHoledClientsAreDetectedByHeartbeatOnBothSidesAndReconnect() {
        // timing-based like the protocol suites, so the same retry rule applies
        JsTests.runAllPassingWithRetries("interop/heartbeat.test.mjs", server.proxiedUrl(), Duration.ofSeconds(50), 3);

        List<String> reasons = server.events("disconnect").stream().map(InteropServer.Event::detail).toList();
        // one per black-holed transport (websocket, polling): the server noticed the missing pongs itself
        assertThat(reasons.stream().filter("ping timeout"::equals).count()).as("server-side reasons %s", reasons).isEqualTo(2);
        assertThat(server.events("connect")).as("first sessions plus the two reconnections").hasSizeGreaterThanOrEqualTo(5);
    }
}
