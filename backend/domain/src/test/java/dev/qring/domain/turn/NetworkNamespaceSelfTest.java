package dev.qring.domain.turn;

import dev.qring.testkit.CoturnProcess;
import dev.qring.testkit.NetworkNamespace;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Self-test of the namespace harness the browser failover test builds on: two namespaces joined by a veth pair
 * (10.200.0.1 / 10.200.0.2, addresses that exist only inside them), coturn from the shipped template inside one,
 * then UDP blocked in the client namespace: STUN over UDP fails, TURN over TCP still relays. Everything is removed.
 */
class NetworkNamespaceSelfTest {
    static final String SECRET = "netns-secret-0123456789abcdef";

    @Test
    void twoNamespacesTalkAndUdpCanBeBlocked() {
        assumeTrue(CoturnProcess.installed(), "coturn (turnserver) is not installed");
        NetworkNamespace.unsupportedReason().ifPresent(why -> assumeTrue(false, "skipped: " + why));

        String turnNsName;
        String clientNsName;
        try (NetworkNamespace turnNs = NetworkNamespace.create("turn"); NetworkNamespace client = NetworkNamespace.create("cli")) {
            turnNsName = turnNs.name();
            clientNsName = client.name();
            NetworkNamespace.link(turnNs, "10.200.0.1/24", client, "10.200.0.2/24");
            // The relay address is private (10.200.0.1), which the template denies as a peer: allow exactly this subnet.
            try (CoturnProcess turn = CoturnProcess.builder().secret(SECRET).listenIp("10.200.0.1").ports(3478, 5349)
                    .allowedPeer("10.200.0.0-10.200.0.255").commandPrefix(turnNs.execPrefix()).start()) {
                assertThat(turnNs.pids()).contains(turn.pid());

                // "ping" across: a STUN binding over UDP from the client namespace sees its own address reflected
                NetworkNamespace.Exec stun = client.run(List.of("turnutils_stunclient", "-p", "3478", "10.200.0.1"), Duration.ofSeconds(10));
                assertThat(stun.output()).contains("UDP reflexive addr: 10.200.0.2:");

                IceServer cred = new IceServerIssuer(TurnSettings.builder().turn(turn.turnUrl("tcp")).secret(SECRET).build(), Clock.systemUTC())
                        .issue("netns").iceServers().getFirst();
                client.dropUdp();
                NetworkNamespace.Exec blocked = client.run(List.of("turnutils_stunclient", "-p", "3478", "10.200.0.1"), Duration.ofSeconds(10));
                assertThat(blocked.output()).doesNotContain("reflexive addr");
                // TURN over TCP still works with UDP blocked on the client side (client-to-client through the relay)
                NetworkNamespace.Exec tcp = client.run(List.of("turnutils_uclient", "-t", "-y", "-u", cred.username(), "-w", cred.credential(),
                        "-p", "3478", "-n", "20", "-l", "200", "-m", "1", "10.200.0.1"), Duration.ofSeconds(30));
                assertThat(tcp.output()).contains("Total lost packets 0 (");
                client.allowUdp();
                assertThat(client.run(List.of("turnutils_stunclient", "-p", "3478", "10.200.0.1"), Duration.ofSeconds(10)).output())
                        .contains("UDP reflexive addr: 10.200.0.2:");
            }
        }
        // close() killed coturn by pid and deleted both namespaces (and with them the veth pair)
        NetworkNamespace.Exec list = runHost(List.of("ip", "netns", "list"));
        assertThat(list.output()).doesNotContain(turnNsName).doesNotContain(clientNsName);
    }

    private static NetworkNamespace.Exec runHost(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            return new NetworkNamespace.Exec(p.waitFor(), out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
