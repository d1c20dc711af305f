package dev.qring.domain.turn;

import dev.qring.testkit.CoturnProcess;
import dev.qring.testkit.ManagedProcess;
import dev.qring.testkit.TestPaths;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped coturn files: the template's security baseline and the renderer's refusals. */
class ShippedCoturnTemplateTest {
    static final Path INFRA = TestPaths.repoRoot().resolve("backend/infra/coturn");

    record Run(int exit, String output) { }

    static Run render(String envText, Path out) throws Exception {
        Path dir = TestPaths.scratch("render");
        Path env = dir.resolve("env.turn");
        Files.writeString(env, envText);
        List<String> cmd = out == null
                ? List.of("bash", CoturnProcess.shippedRenderer().toString(), "--env", env.toString())
                : List.of("bash", CoturnProcess.shippedRenderer().toString(), "--env", env.toString(), "--out", out.toString());
        try (ManagedProcess p = ManagedProcess.start("render", cmd)) {
            int exit = p.waitFor(Duration.ofSeconds(20));
            return new Run(exit, p.logText());
        }
    }

    static final String VALID = """
            TURN_PUBLIC_IP=203.0.113.10
            TURN_REALM_FQDN=turn.example.org
            TURN_SECRET=0123456789abcdef0123456789abcdef
            TURN_SECRET_PREVIOUS=
            """;

    static List<String> activeLines(String conf) {
        return conf.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void templateIsTheSecureBaseline() throws Exception {
        String t = Files.readString(CoturnProcess.shippedTemplate());
        List<String> active = activeLines(t);
        assertThat(t).contains("<TURN_PUBLIC_IP>", "<TURN_REALM_FQDN>");
        assertThat(active).contains("use-auth-secret", "static-auth-secret=<TURN_SECRET>", "realm=<TURN_REALM_FQDN>", "fingerprint",
                "no-tlsv1", "no-tlsv1_1", "no-cli", "no-multicast-peers", "no-tcp-relay", "stale-nonce=600",
                "listening-port=<TURN_LISTEN_PORT>", "tls-listening-port=<TURN_TLS_PORT>",
                "user-quota=<TURN_USER_QUOTA>", "total-quota=<TURN_TOTAL_QUOTA>", "max-bps=<TURN_MAX_BPS>",
                "denied-peer-ip=10.0.0.0-10.255.255.255", "denied-peer-ip=172.16.0.0-172.31.255.255",
                "denied-peer-ip=192.168.0.0-192.168.255.255", "denied-peer-ip=127.0.0.0-127.255.255.255",
                "denied-peer-ip=169.254.0.0-169.254.255.255", "denied-peer-ip=100.64.0.0-100.127.255.255",
                "denied-peer-ip=0.0.0.0-0.255.255.255", "denied-peer-ip=224.0.0.0-239.255.255.255",
                "denied-peer-ip=::1", "denied-peer-ip=::ffff:0.0.0.0-::ffff:255.255.255.255",
                "denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertThat(active).doesNotContain("denied-peer-ip=::");   // coturn 4.6.1: refuses every IPv6 peer
        assertThat(active).noneMatch(l -> l.startsWith("allow-loopback-peers") || l.startsWith("lt-cred-mech")
                || l.startsWith("no-auth") || l.startsWith("user=") || l.startsWith("allowed-peer-ip") || l.startsWith("server-relay"));
        String env = Files.readString(INFRA.resolve(".env.turn.example"));
        assertThat(env).contains("TURN_PUBLIC_IP=<TURN_PUBLIC_IP>", "TURN_REALM_FQDN=<TURN_REALM_FQDN>", "TURN_SECRET=<TURN_SECRET>");
        String compose = Files.readString(INFRA.resolve("docker-compose.turn.yml"));
        assertThat(compose).contains("network_mode: host", "coturn/coturn").doesNotContain("TURN_SECRET=");
    }

    @Test
    void rendersAReadyConfigWithoutPlaceholders() throws Exception {
        Path out = TestPaths.scratch("render-out").resolve("turnserver.conf");
        Run r = render(VALID, out);
        assertThat(r.exit()).as(r.output()).isZero();
        String conf = Files.readString(out);
        List<String> active = activeLines(conf);
        assertThat(active).noneMatch(l -> l.contains("<TURN_"));
        assertThat(active).contains("external-ip=203.0.113.10", "realm=turn.example.org", "listening-port=3478", "tls-listening-port=5349",
                "min-port=49152", "max-port=65535", "static-auth-secret=0123456789abcdef0123456789abcdef",
                "cert=/etc/coturn/certs/fullchain.pem", "user-quota=30");
        assertThat(active.stream().filter(l -> l.startsWith("static-auth-secret=")).count()).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");

        Run rotating = render(VALID.replace("TURN_SECRET_PREVIOUS=", "TURN_SECRET_PREVIOUS=\"fedcba9876543210fedcba98\""), null);
        assertThat(rotating.exit()).isZero();
        assertThat(activeLines(rotating.output())).contains("static-auth-secret=0123456789abcdef0123456789abcdef",
                "static-auth-secret=fedcba9876543210fedcba98");
    }

    @Test
    void refusesMissingPlaceholderOrMalformedValuesNamingTheVariable() throws Exception {
        Path out = TestPaths.scratch("render-refused").resolve("turnserver.conf");
        Run example = render(Files.readString(INFRA.resolve(".env.turn.example")), out);
        assertThat(example.exit()).isEqualTo(2);
        assertThat(example.output()).contains("TURN_PUBLIC_IP: still a placeholder");
        assertThat(out).doesNotExist();

        assertThat(render(VALID.replace("TURN_SECRET=0123456789abcdef0123456789abcdef", ""), null).output())
                .contains("TURN_SECRET: missing or empty");
        assertThat(render(VALID.replace("0123456789abcdef0123456789abcdef", "short"), null).output()).contains("TURN_SECRET: too short");
        assertThat(render(VALID.replace("0123456789abcdef0123456789abcdef", "has space in the secret value"), null).output())
                .contains("TURN_SECRET: use only letters");
        assertThat(render(VALID.replace("203.0.113.10", "turn.example.org"), null).output()).contains("TURN_PUBLIC_IP: 'turn.example.org' is not an IP address");
        assertThat(render(VALID + "TURN_MIN_PORT=60000\nTURN_MAX_PORT=50000\n", null).output()).contains("TURN_MIN_PORT: 60000 must be below");
        assertThat(render(VALID + "TURN_USER_QUOTA=0\n", null).output()).contains("TURN_USER_QUOTA: 0 means unlimited");
        assertThat(render(VALID.replace("TURN_SECRET_PREVIOUS=", "TURN_SECRET_PREVIOUS=0123456789abcdef0123456789abcdef"), null).output())
                .contains("TURN_SECRET_PREVIOUS: equals TURN_SECRET");
        assertThat(render(VALID + "this is not an assignment\n", null).output()).contains("not a KEY=VALUE line");
        Run injected = render(VALID + "TURN_REALM_FQDN=$(touch /tmp/qring-render-injection)\n", null);
        assertThat(injected.exit()).isEqualTo(2);
        assertThat(Path.of("/tmp/qring-render-injection")).doesNotExist();
    }
}
