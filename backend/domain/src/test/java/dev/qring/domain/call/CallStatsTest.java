package dev.qring.domain.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The media path a stats report stands for. */
class CallStatsTest {
    @ParameterizedTest(name = "{0}/{1} {2} relay={3} -> {4}")
    @CsvSource(nullValues = "null", value = {
            "relay, host, udp, udp, relay/udp",
            "relay, srflx, tcp, tls, relay/tls",
            "relay, relay, tcp, tcp, relay/tcp",
            "relay, host, udp, null, relay/udp",
            "host, relay, udp, null, relay/udp",
            "srflx, relay, tcp, null, relay/tcp",
            "host, host, udp, null, direct/udp",
            "srflx, prflx, tcp, null, direct/tcp",
            "unknown, host, udp, null, null",
            "host, srflx, unknown, null, null",
            "relay, host, unknown, null, null",
            "relay, host, unknown, tls, relay/tls",
    })
    void pathFromTheSelectedPair(String local, String remote, String protocol, String relayProtocol, String path) {
        CallStats s = new CallStats(100, local, remote, protocol, relayProtocol, 10.0, 0.0).validate();
        assertThat(s.path()).isEqualTo(path);
    }
}
