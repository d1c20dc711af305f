package dev.qring.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qring.testkit.ManagedProcess;
import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's failover test. Two network namespaces made by this test, joined by a veth pair on addresses that exist
 * only inside them (10.201.N.1 and 10.201.N.2):
 * <ul>
 *   <li>server side: coturn (UDP 3478, TLS 5349), the QRing server (embedded database) and the homeowner's Chromium;</li>
 *   <li>client side: the visitor's Chromium with every UDP packet dropped (nft), and a TCP forwarder so the app
 *       loads from http://127.0.0.1 (a secure context for getUserMedia).</li>
 * </ul>
 * The server issues {@code turn:...?transport=udp} and {@code turns:...:5349} (the seed's list); the visitor's call
 * must connect over TLS with no user action. The visitor's page runs the default ICE policy (nothing forces relay on
 * its side); the homeowner is relay-only (the per-browser operator setting), so the visitor's own TLS relay is the
 * only path that works. Every process is stopped by pid, then the namespaces are deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UdpBlockedFailoverE2ETest {
    static final Path JS = TestPaths.repoRoot().resolve("backend/e2e/src/test/js");
    static final String SECRET = "e2e-netns-secret-" + Long.toHexString(System.nanoTime());

    final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    final int subnet = ThreadLocalRandom.current().nextInt(1, 250);
    final String nsServer = "qrs" + id;
    final String nsClient = "qrc" + id;
    final String serverIp = "10.201." + subnet + ".1";
    final String clientIp = "10.201." + subnet + ".2";
    final int httpPort = 18080;
    final List<ManagedProcess> processes = new ArrayList<>();
    Path work;
    String spki;

    @BeforeAll
    void start() throws Exception {
        work = TestPaths.scratch("e2e-netns");
        String vs = "qv" + id + "s";
        String vc = "qv" + id + "c";
        sh("ip netns add " + nsServer);
        sh("ip netns add " + nsClient);
        sh("ip link add " + vs + " type veth peer name " + vc);
        sh("ip link set " + vs + " netns " + nsServer);
        sh("ip link set " + vc + " netns " + nsClient);
        sh("ip -n " + nsServer + " addr add " + serverIp + "/24 dev " + vs);
        sh("ip -n " + nsClient + " addr add " + clientIp + "/24 dev " + vc);
        for (String ns : List.of(nsServer, nsClient)) sh("ip -n " + ns + " link set lo up");
        sh("ip -n " + nsServer + " link set " + vs + " up");
        sh("ip -n " + nsClient + " link set " + vc + " up");
        // The visitor's network drops all UDP, both ways.
        Path nft = work.resolve("drop-udp.nft");
        Files.writeString(nft, """
                table inet qring_e2e {
                  chain input { type filter hook input priority 0; policy accept; meta l4proto udp drop; }
                  chain output { type filter hook output priority 0; policy accept; meta l4proto udp drop; }
                }
                """);
        sh("ip netns exec " + nsClient + " nft -f " + nft);

        // coturn in the server namespace.
        Path cert = work.resolve("cert.pem");
        Path key = work.resolve("key.pem");
        E2eStack.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-days", "2", "-subj", "/CN=turn.test", "-addext", "subjectAltName=IP:" + serverIp), Duration.ofSeconds(30));
        spki = E2eStack.spki(cert);
        Path conf = work.resolve("turnserver.conf");
        Files.writeString(conf, String.join("\n",
                "listening-ip=" + serverIp, "relay-ip=" + serverIp, "listening-port=3478", "tls-listening-port=5349",
                "min-port=49152", "max-port=49252", "fingerprint", "use-auth-secret", "static-auth-secret=" + SECRET,
                "realm=turn.test", "cert=" + cert, "pkey=" + key, "no-tlsv1", "no-tlsv1_1", "no-dtls", "no-cli",
                "no-multicast-peers", "total-quota=100", "user-quota=20", "pidfile=" + work.resolve("turn.pid"),
                "log-file=stdout", "simple-log", ""));
        processes.add(ManagedProcess.start("coturn-netns", inNs(nsServer, "turnserver", "-c", conf.toString()), Map.of(), work));

        // The QRing server in the server namespace (embedded database: this test is about the network path).
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QRING_HTTP_PORT", String.valueOf(httpPort));
        env.put("QRING_BIND_ADDRESS", "0.0.0.0");
        env.put("QRING_PUBLIC_URL", "http://127.0.0.1:" + httpPort);
        env.put("QRING_DATA_DIR", work.resolve("data").toString());
        env.put("QRING_TURN_URLS", "turn:" + serverIp + ":3478?transport=udp,turns:" + serverIp + ":5349?transport=tcp");
        env.put("QRING_TURN_SECRET", SECRET);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsServer));
        cmd.addAll(E2eStack.serverCommand());
        ManagedProcess server = ManagedProcess.start("qring-server-netns", cmd, env, work);
        processes.add(server);
        waitForHealth(server);

        // The visitor reaches the server through a forwarder on its own namespace's loopback.
        processes.add(ManagedProcess.start("forward-netns", inNs(nsClient, "node", JS.resolve("forward.mjs").toString(),
                String.valueOf(httpPort), serverIp, String.valueOf(httpPort)), Map.of(), JS));
    }

    @AfterAll
    void stop() {
        for (int i = processes.size() - 1; i >= 0; i--) processes.get(i).close();
        for (String ns : List.of(nsClient, nsServer)) {
            try {
                // Anything still inside (a browser a failed script left behind) is stopped by pid.
                for (String pid : capture("ip netns pids " + ns).split("\\s+")) {
                    if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
                sh("ip netns del " + ns);
            } catch (Exception e) {
                // keep cleaning the other namespace
            }
        }
    }

    @Test
    void visitorBehindUdpBlockingFirewallConnectsOverTurnsAndBadgeSaysTls() throws Exception {
        NodeScript.Result r = NodeScript.of(JS.resolve("udp-blocked.mjs")).timeout(Duration.ofSeconds(240))
                .env("QRING_BASE_URL", "http://127.0.0.1:" + httpPort)
                .env("QRING_NETNS_SERVER", nsServer)
                .env("QRING_NETNS_CLIENT", nsClient)
                .env("QRING_HOST_EXCLUDES", serverIp)
                .env("QRING_SPKI", spki)
                .env("QRING_SCREENSHOTS", TestPaths.repoRoot().resolve("docs/screenshots").toString())
                .run();
        r.assertExitCode(0);
        JsonNode call = new ObjectMapper().readTree(r.requireLine("RESULT ")).path("call");
        assertThat(call.path("visitor").path("iceTransportPolicy").asText()).isEqualTo("all");
        assertThat(call.path("homeowner").path("iceTransportPolicy").asText()).isEqualTo("relay");
        assertThat(call.path("visitor").path("relayProtocol").asText()).isEqualTo("tls");
        assertThat(call.path("visitor").path("selectedLocal").asText()).isEqualTo("relay");
        assertThat(call.path("visitorBadge").asText()).contains("TLS");
        assertThat(call.path("visitor").path("framesDecoded").asInt()).isGreaterThan(10);
        assertThat(call.path("ended").path("path").asText()).startsWith("relay/");
    }

    private List<String> inNs(String ns, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c;
    }

    private void waitForHealth(ManagedProcess server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("server exited:\n" + server.tail(5000));
            ManagedProcess curl = ManagedProcess.start("curl", inNs(nsServer, "curl", "-sf", "-m", "2",
                    "http://127.0.0.1:" + httpPort + "/health/live"));
            try {
                if (curl.waitFor(Duration.ofSeconds(5)) == 0) return;
            } finally {
                curl.close();
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("server in " + nsServer + " not healthy:\n" + server.tail(5000));
    }

    static void sh(String cmd) throws Exception {
        E2eStack.run(List.of("sh", "-c", cmd), Duration.ofSeconds(20));
    }

    static String capture(String cmd) throws Exception {
        ManagedProcess p = ManagedProcess.start("sh", List.of("sh", "-c", cmd));
        try {
            p.waitFor(Duration.ofSeconds(10));
            return p.logText();
        } finally {
            p.close();
        }
    }
}
