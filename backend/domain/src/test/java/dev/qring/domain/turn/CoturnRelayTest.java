package dev.qring.domain.turn;

import dev.qring.testkit.CoturnProcess;
import dev.qring.testkit.FreePorts;
import dev.qring.testkit.ManagedProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Server-issued credentials against a REAL coturn started from the shipped template (test-lab.md), on loopback.
 * One coturn runs the template plus the test-only loopback allowance and a rotation in progress (two secrets);
 * the peer-policy test starts another one with the template's peer rules untouched.
 */
class CoturnRelayTest {
    static final String NEW_SECRET = "new-secret-ab12cd34ef56ab78";
    static final String OLD_SECRET = "old-secret-98fe76dc54ba3210";

    static CoturnProcess turn;
    static ManagedProcess peer;
    static int peerPort;

    @BeforeAll
    static void startCoturnAndEchoPeer() {
        assumeTrue(CoturnProcess.installed(), "coturn (turnserver) is not installed: apt-get install coturn");
        turn = CoturnProcess.builder().secret(NEW_SECRET).previousSecret(OLD_SECRET).allowLoopbackPeers(true).start();
        peerPort = FreePorts.tcpAndUdp();
        peer = ManagedProcess.start("turn-echo-peer", List.of("turnutils_peer", "-L", "127.0.0.1", "-p", String.valueOf(peerPort)));
    }

    @AfterAll
    static void stop() {
        if (peer != null) peer.close();
        if (turn != null) turn.close();
    }

    /** The server side exactly as in production: settings from the environment names, pointing at this coturn. */
    static IceServerIssuer issuer(CoturnProcess t, String secret, String previous) {
        TurnSettings.Builder b = TurnSettings.builder()
                .stun(t.stunUrl())
                .turn(t.turnsUrl(), t.turnUrl("tcp"), t.turnUrl("udp"))
                .secret(secret).ttl(Duration.ofMinutes(10));
        if (previous != null) b.previousSecret(previous);
        return new IceServerIssuer(b.build(), Clock.systemUTC());
    }

    static IceServer issuedTurn(IceServerIssuer issuer) {
        IceServers s = issuer.issue("session:" + System.nanoTime());
        assertThat(s.iceServers().getFirst().urls()).containsExactly(turn.stunUrl());
        IceServer t = s.iceServers().get(1);
        assertThat(t.urls()).containsExactly(turn.turnUrl("udp"), turn.turnUrl("tcp"), turn.turnsUrl());
        return t;
    }

    /** turnutils_uclient: UDP/TCP to coturn, UDP relay to the echo peer; returns its whole output. */
    static String uclient(boolean tcp, String user, String password, String peerIp) {
        List<String> cmd = new ArrayList<>(List.of("turnutils_uclient"));
        if (tcp) cmd.add("-t");
        cmd.addAll(List.of("-u", user, "-w", password, "-p", String.valueOf(turn.port()), "-e", peerIp, "-r", String.valueOf(peerPort),
                "-n", "30", "-l", "400", "-m", "2", "127.0.0.1"));
        try (ManagedProcess p = ManagedProcess.start("uclient", cmd)) {
            p.waitFor(Duration.ofSeconds(40));
            return p.logText();
        }
    }

    static String lostLine(String output) {
        return output.lines().filter(l -> l.contains("Total lost packets")).findFirst().orElse("<no 'Total lost packets' line>\n" + output);
    }

    @Test
    void issuedCredentialsRelayOverUdpAndTcpWithoutLoss() {
        IceServer t = issuedTurn(issuer(turn, NEW_SECRET, OLD_SECRET));
        assertThat(lostLine(uclient(false, t.username(), t.credential(), "127.0.0.1"))).contains("Total lost packets 0 (");
        assertThat(lostLine(uclient(true, t.username(), t.credential(), "127.0.0.1"))).contains("Total lost packets 0 (");
    }

    @Test
    void issuedCredentialsAllocateOverTlsWithTls12OrNewer() throws Exception {
        IceServer t = issuedTurn(issuer(turn, NEW_SECRET, null));
        try (TurnProbe probe = TurnProbe.connect(TurnProbe.Transport.TLS, turn.host(), turn.tlsPort(), t.username(), t.credential(), turn.certificate())) {
            TurnProbe.Response r = probe.allocate();
            assertThat(r.ok()).as("TLS allocate: %s", r).isTrue();
            assertThat(r.relayed().getPort()).isBetween(turn.minRelayPort(), turn.maxRelayPort());
            assertThat(r.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(probe.createPermission("127.0.0.1").ok()).isTrue();
        }
        assertThat(turn.log()).contains("username=<" + t.username() + ">");
    }

    @Test
    void tlsBelow12GetsNoHandshake() {
        // openssl offering TLS 1.1 only (security level 0 so the client itself is willing): coturn must not complete it.
        List<String> cmd = List.of("openssl", "s_client", "-connect", "127.0.0.1:" + turn.tlsPort(), "-tls1_1",
                "-cipher", "DEFAULT@SECLEVEL=0");
        try (ManagedProcess p = ManagedProcess.start("s_client-tls11", cmd)) {
            sleep(2500);   // coturn 4.6.1 ignores the TLS 1.1 hello (no answer) rather than sending an alert
            assertThat(p.logText()).doesNotContain("Protocol  : TLSv1.1").doesNotContain("New, TLSv1");
        }
        List<String> ok = List.of("openssl", "s_client", "-connect", "127.0.0.1:" + turn.tlsPort(), "-tls1_2");
        try (ManagedProcess p = ManagedProcess.start("s_client-tls12", ok)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!p.logText().contains("Protocol  : TLSv1.2") && System.nanoTime() < deadline) sleep(50);
            assertThat(p.logText()).contains("Protocol  : TLSv1.2");
        }
    }

    @Test
    void expiredCredentialIsRefused() throws Exception {
        long past = Instant.now().getEpochSecond() - 5;
        String user = past + ":expired-probe";
        String password = IceServerIssuer.credential(NEW_SECRET, user);   // correctly signed, but expired
        try (TurnProbe probe = TurnProbe.connect(TurnProbe.Transport.UDP, turn.host(), turn.port(), user, password, null)) {
            assertThat(probe.allocate().code()).isEqualTo(401);
        }
        assertThat(uclient(false, user, password, "127.0.0.1")).contains("Cannot complete Allocation").doesNotContain("Total lost packets");
    }

    @Test
    void anAllocationOutlivesItsCredentialSoLongCallsSurviveTheTtl() throws Exception {
        // coturn checks the REST expiry when it first authenticates a session, not on later requests of that session:
        // a call longer than QRING_TURN_TTL keeps its relay; only NEW allocations (a new call, an ICE restart that
        // re-allocates) need the fresh list clients fetch at refreshAt.
        String user = (Instant.now().getEpochSecond() + 3) + ":short-lived";
        String password = IceServerIssuer.credential(NEW_SECRET, user);
        try (TurnProbe probe = TurnProbe.connect(TurnProbe.Transport.UDP, turn.host(), turn.port(), user, password, null)) {
            assertThat(probe.allocate().ok()).isTrue();
            sleep(4500);
            assertThat(probe.refresh().ok()).as("refresh after the credential expired").isTrue();
            assertThat(probe.createPermission("127.0.0.1").ok()).isTrue();
        }
        try (TurnProbe fresh = TurnProbe.connect(TurnProbe.Transport.UDP, turn.host(), turn.port(), user, password, null)) {
            assertThat(fresh.allocate().code()).as("a new allocation with the expired credential").isEqualTo(401);
        }
    }

    @Test
    void wrongSecretIsRefused() throws Exception {
        IceServer t = issuedTurn(issuer(turn, "some-other-secret-000000000", null));
        for (TurnProbe.Transport tr : List.of(TurnProbe.Transport.UDP, TurnProbe.Transport.TCP)) {
            try (TurnProbe probe = TurnProbe.connect(tr, turn.host(), turn.port(), t.username(), t.credential(), null)) {
                assertThat(probe.allocate().code()).as("allocate over %s", tr).isEqualTo(401);
            }
        }
        assertThat(uclient(false, t.username(), t.credential(), "127.0.0.1")).contains("Cannot complete Allocation");
    }

    @Test
    void duringRotationBothSecretsWorkAndTheServerSignsWithTheNewOne() throws Exception {
        IceServerIssuer rotating = issuer(turn, NEW_SECRET, OLD_SECRET);
        IceServer current = issuedTurn(rotating);
        assertThat(current.credential()).isEqualTo(IceServerIssuer.credential(NEW_SECRET, current.username()));
        // a credential handed out before the rotation, signed with the old secret, still valid
        IceServer before = issuedTurn(issuer(turn, OLD_SECRET, null));
        for (IceServer t : List.of(current, before)) {
            try (TurnProbe probe = TurnProbe.connect(TurnProbe.Transport.UDP, turn.host(), turn.port(), t.username(), t.credential(), null)) {
                assertThat(probe.allocate().ok()).isTrue();
            }
        }
        assertThat(lostLine(uclient(false, before.username(), before.credential(), "127.0.0.1"))).contains("Total lost packets 0 (");
    }

    @Test
    void afterTheRotationTheOldSecretIsRefused() throws Exception {
        try (CoturnProcess rotated = CoturnProcess.builder().secret(NEW_SECRET).allowLoopbackPeers(true).start()) {
            IceServer old = issuer(rotated, OLD_SECRET, null).issue("x").iceServers().get(1);
            IceServer fresh = issuer(rotated, NEW_SECRET, null).issue("x").iceServers().get(1);
            try (TurnProbe a = TurnProbe.connect(TurnProbe.Transport.UDP, rotated.host(), rotated.port(), old.username(), old.credential(), null);
                 TurnProbe b = TurnProbe.connect(TurnProbe.Transport.UDP, rotated.host(), rotated.port(), fresh.username(), fresh.credential(), null)) {
                assertThat(a.allocate().code()).isEqualTo(401);
                assertThat(b.allocate().ok()).isTrue();
            }
        }
    }

    @Test
    void templatePeerRulesRefuseLoopbackAndPrivatePeers() throws Exception {
        // The shipped template as is: no allow-loopback-peers, no allowed-peer-ip. A refused CreatePermission /
        // ChannelBind puts nothing on the wire towards the peer, so asking for 10.x or 169.254.169.254 is harmless.
        try (CoturnProcess strict = CoturnProcess.builder().secret(NEW_SECRET).start()) {
            assertThat(strict.configText()).doesNotContain("\nallow-loopback-peers").doesNotContain("allowed-peer-ip");
            IceServer t = issuer(strict, NEW_SECRET, null).issue("x").iceServers().get(1);
            try (TurnProbe probe = TurnProbe.connect(TurnProbe.Transport.UDP, strict.host(), strict.port(), t.username(), t.credential(), null)) {
                assertThat(probe.allocate().ok()).isTrue();
                for (String peerIp : List.of("127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                        "100.64.0.1", "0.0.0.1", "224.0.0.1", "198.18.0.1")) {
                    TurnProbe.Response r = probe.createPermission(peerIp);
                    assertThat(r.code()).as("CreatePermission %s: %s", peerIp, r).isEqualTo(403);
                    assertThat(r.reason()).isEqualTo("Forbidden IP");
                }
            }
            // uclient sees the same refusal (ChannelBind 403) and relays nothing
            for (String peerIp : List.of("127.0.0.1", "10.0.0.1")) {
                List<String> cmd = List.of("turnutils_uclient", "-u", t.username(), "-w", t.credential(), "-p", String.valueOf(strict.port()),
                        "-e", peerIp, "-r", String.valueOf(peerPort), "-n", "5", "-m", "1", "127.0.0.1");
                try (ManagedProcess p = ManagedProcess.start("uclient-denied", cmd)) {
                    p.waitFor(Duration.ofSeconds(30));
                    assertThat(p.logText()).as("uclient to peer %s", peerIp).contains("403 (Forbidden IP)").doesNotContain("Total lost packets");
                }
            }
        }
        // Control: the same template with only the test-only loopback allowance relays to 127.0.0.1 (see the UDP test),
        // so the 403 above comes from the template's rules.
    }

    @Test
    void templatePeerRulesRefuseIpv6InternalAndIpv4MappedPeers() throws Exception {
        // Same template on the IPv6 loopback: an IPv6 relay must not become a way around the IPv4 rules.
        try (CoturnProcess strict = CoturnProcess.builder().secret(NEW_SECRET).listenIp("::1").start()) {
            IceServer t = issuer(strict, NEW_SECRET, null).issue("x").iceServers().get(1);
            try (TurnProbe probe = TurnProbe.connect(TurnProbe.Transport.UDP, "::1", strict.port(), t.username(), t.credential(), null)) {
                TurnProbe.Response alloc = probe.allocate(true);
                assertThat(alloc.ok()).as("IPv6 allocate: %s", alloc).isTrue();
                assertThat(alloc.relayed().getAddress().getAddress()).hasSize(16);
                for (String peerIp : List.of("::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
                        "fe80::1", "fd00::1", "64:ff9b::a00:1", "2002:a00:1::1", "ff02::1")) {
                    TurnProbe.Response r = probe.createPermission(peerIp);
                    assertThat(r.code()).as("CreatePermission %s: %s", peerIp, r).isEqualTo(403);
                }
                // Control: IPv6 peers as such are not blanket-refused (a bare `denied-peer-ip=::` would do that).
                // 2001:2::/48 is the non-routed benchmarking range; a permission puts nothing on the wire anyway.
                assertThat(probe.createPermission("2001:2::1").ok()).isTrue();
            }
        }
    }

    @Test
    void spkiPinMatchesOpenssl() {
        // Chromium's --ignore-certificate-errors-spki-list value for the test certificate (used by the browser tests)
        String cmd = "openssl x509 -in '" + turn.certificate() + "' -pubkey -noout | openssl pkey -pubin -outform der"
                + " | openssl dgst -sha256 -binary | base64";
        try (ManagedProcess p = ManagedProcess.start("spki", List.of("bash", "-c", cmd))) {
            assertThat(p.waitFor(Duration.ofSeconds(10))).isZero();
            assertThat(p.logText().strip()).isEqualTo(turn.spkiSha256());
        }
    }

    static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new AssertionError(e); }
    }
}
