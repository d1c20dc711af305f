package dev.qring.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A real coturn ({@code turnserver}) for tests, configured from the SHIPPED production template
 * {@code backend/infra/coturn/turnserver.conf.example} rendered by the shipped {@code render-turnserver-conf.sh}
 * with test values, plus a short, visible block of test-only overrides:
 * <ul>
 *   <li>{@code listening-ip}/{@code relay-ip} = the test address (127.0.0.1 by default), free ports, and a small
 *       relay range of its own ({@link FreePorts#udpRange});</li>
 *   <li>pid file and SQLite user db inside the scratch dir (never /var), {@code verbose} logging to the log file;</li>
 *   <li>only when asked: {@code allow-loopback-peers} + {@code allowed-peer-ip=127.0.0.1} (the template's explicit
 *       {@code denied-peer-ip=127.0.0.0-...} wins over {@code allow-loopback-peers}; coturn checks its allow list
 *       first), and extra {@code allowed-peer-ip} ranges (e.g. a test namespace's 10.200.x addresses).</li>
 * </ul>
 * A self-signed certificate (SAN = the listening IP) is created with openssl for {@code turns:}.
 * Runs in the foreground (no daemon) as a {@link ManagedProcess}: {@link #close()} stops it by pid.
 *
 * <pre>{@code
 * try (CoturnProcess turn = CoturnProcess.builder().secret("a-test-secret-0123").allowLoopbackPeers(true).start()) {
 *     String url = turn.turnUrl("udp");   // turn:127.0.0.1:PORT?transport=udp
 * }
 * }</pre>
 */
public final class CoturnProcess implements AutoCloseable {
    private final ManagedProcess process;
    private final String host;
    private final int port;
    private final int tlsPort;
    private final int minPort;
    private final int maxPort;
    private final String realm;
    private final Path dir;
    private final Path config;
    private final Path certificate;
    private final Path privateKey;

    private CoturnProcess(Builder b, ManagedProcess process, int port, int tlsPort, int minPort, int maxPort,
                          Path dir, Path config, Path cert, Path key) {
        this.process = process;
        this.host = b.listenIp;
        this.port = port;
        this.tlsPort = tlsPort;
        this.minPort = minPort;
        this.maxPort = maxPort;
        this.realm = b.realm;
        this.dir = dir;
        this.config = config;
        this.certificate = cert;
        this.privateKey = key;
    }

    public static Builder builder() { return new Builder(); }

    /** True when {@code turnserver} is on the PATH (tests may skip with a clear message otherwise). */
    public static boolean installed() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(p, "turnserver"))) return true;
        }
        return false;
    }

    /** The shipped production template. */
    public static Path shippedTemplate() {
        return TestPaths.repoRoot().resolve("backend/infra/coturn/turnserver.conf.example");
    }

    /** The shipped renderer script. */
    public static Path shippedRenderer() {
        return TestPaths.repoRoot().resolve("backend/infra/coturn/render-turnserver-conf.sh");
    }

    public String host() { return host; }

    /** Plain STUN/TURN port (UDP and TCP). */
    public int port() { return port; }

    /** TLS port ({@code turns:}). */
    public int tlsPort() { return tlsPort; }

    public int minRelayPort() { return minPort; }

    public int maxRelayPort() { return maxPort; }

    public String realm() { return realm; }

    /** {@code turn:HOST:PORT?transport=udp|tcp}. */
    public String turnUrl(String transport) { return "turn:" + urlHost() + ":" + port + "?transport=" + transport; }

    /** {@code turns:HOST:TLSPORT?transport=tcp}. */
    public String turnsUrl() { return "turns:" + urlHost() + ":" + tlsPort + "?transport=tcp"; }

    public String stunUrl() { return "stun:" + urlHost() + ":" + port; }

    /** The host as it appears in a URL: IPv6 addresses in brackets. */
    private String urlHost() { return host.contains(":") ? "[" + host + "]" : host; }

    public Path certificate() { return certificate; }

    public Path privateKey() { return privateKey; }

    /** The rendered configuration coturn runs with (template + overrides). */
    public Path configFile() { return config; }

    public Path directory() { return dir; }

    /**
     * base64(SHA-256(SubjectPublicKeyInfo)) of the self-signed certificate: what Chromium's
     * {@code --ignore-certificate-errors-spki-list} wants (trusts exactly this key, nothing else).
     */
    public String spkiSha256() {
        try (InputStream in = Files.newInputStream(certificate)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + certificate, e);
        }
    }

    public long pid() { return process.pid(); }

    public boolean isAlive() { return process.isAlive(); }

    public String log() { return process.logText(); }

    public Path logFile() { return process.logFile(); }

    /** Waits until coturn's log contains {@code text}; false on timeout. */
    public boolean awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process.logText().contains(text)) return true;
            sleep(50);
        }
        return process.logText().contains(text);
    }

    @Override
    public void close() { process.close(); }

    @Override
    public String toString() { return "coturn(pid " + process.pid() + ", " + host + ":" + port + "/" + tlsPort + ")"; }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IllegalStateException(e); }
    }

    /** Configures and starts one coturn. */
    public static final class Builder {
        private String secret = "qring-test-secret-0123456789";
        private String previousSecret = "";
        private String listenIp = "127.0.0.1";
        private String realm = "turn.test";
        private boolean allowLoopbackPeers;
        private final List<String> allowedPeers = new ArrayList<>();
        private final List<String> extraLines = new ArrayList<>();
        private final List<String> commandPrefix = new ArrayList<>();
        private int relayPorts = 40;
        private int port;
        private int tlsPort;
        private Path template;
        private Duration startTimeout = Duration.ofSeconds(15);

        /** coturn's current {@code static-auth-secret} (at least 16 characters: the renderer enforces it). */
        public Builder secret(String s) { secret = s; return this; }

        /** A second {@code static-auth-secret} line, as during a rotation. */
        public Builder previousSecret(String s) { previousSecret = s == null ? "" : s; return this; }

        /** Listening and relay address (default 127.0.0.1; e.g. 10.200.0.1 inside a test namespace). */
        public Builder listenIp(String ip) { listenIp = ip; return this; }

        public Builder realm(String r) { realm = r; return this; }

        /** Test-only: lets loopback peers (127.0.0.1) through — never part of the shipped template. */
        public Builder allowLoopbackPeers(boolean allow) { allowLoopbackPeers = allow; return this; }

        /** Test-only {@code allowed-peer-ip} (an address or {@code first-last} range) beating the template's deny list. */
        public Builder allowedPeer(String ipOrRange) { allowedPeers.add(ipOrRange); return this; }

        /** Any further config line appended after the overrides. */
        public Builder extraConfig(String line) { extraLines.add(line); return this; }

        /** Number of relay ports (default 40; keep uclient's {@code -m} small, see test-lab.md). */
        public Builder relayPorts(int n) { relayPorts = n; return this; }

        /** Fixed ports (default: free loopback ports). Needed inside a namespace, where any port is free. */
        public Builder ports(int plain, int tls) { port = plain; tlsPort = tls; return this; }

        /** Run coturn through a prefix, e.g. {@code ip netns exec NAME} ({@link NetworkNamespace#execPrefix()}). */
        public Builder commandPrefix(List<String> prefix) { commandPrefix.clear(); commandPrefix.addAll(prefix); return this; }

        /** Another template (default: the shipped one). */
        public Builder template(Path t) { template = t; return this; }

        public Builder startTimeout(Duration d) { startTimeout = d; return this; }

        public CoturnProcess start() {
            Path dir = TestPaths.scratch("coturn");
            int plain = port > 0 ? port : FreePorts.tcpAndUdp();
            int tls = tlsPort > 0 ? tlsPort : FreePorts.tcpAndUdp();
            int min = FreePorts.udpRange(relayPorts);
            int max = min + relayPorts - 1;
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            run(dir, "openssl-cert", List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + realm,
                    "-addext", "subjectAltName=IP:" + listenIp + ",DNS:" + realm));

            Path env = dir.resolve("env.turn");
            String envText = String.join("\n",
                    "TURN_PUBLIC_IP=" + listenIp,
                    "TURN_REALM_FQDN=" + realm,
                    "TURN_SECRET=" + secret,
                    "TURN_SECRET_PREVIOUS=" + previousSecret,
                    "TURN_LISTEN_PORT=" + plain,
                    "TURN_TLS_PORT=" + tls,
                    "TURN_MIN_PORT=" + min,
                    "TURN_MAX_PORT=" + max,
                    "TURN_CERT_FILE=" + cert,
                    "TURN_PKEY_FILE=" + key) + "\n";
            Path conf = dir.resolve("turnserver.conf");
            try {
                Files.writeString(env, envText);
                run(dir, "render-turnserver-conf", List.of("bash", shippedRenderer().toString(), "--env", env.toString(),
                        "--template", (template != null ? template : shippedTemplate()).toString(), "--out", conf.toString()));
                StringBuilder o = new StringBuilder("\n# ---- test-only overrides (dev.qring.testkit.CoturnProcess) ----\n");
                o.append("listening-ip=").append(listenIp).append('\n');
                o.append("relay-ip=").append(listenIp).append('\n');
                o.append("pidfile=").append(dir.resolve("turnserver.pid")).append('\n');
                o.append("userdb=").append(dir.resolve("turndb")).append('\n');
                o.append("verbose\n");
                if (allowLoopbackPeers) o.append("allow-loopback-peers\nallowed-peer-ip=127.0.0.1\n");
                for (String p : allowedPeers) o.append("allowed-peer-ip=").append(p).append('\n');
                for (String l : extraLines) o.append(l).append('\n');
                Files.writeString(conf, o.toString(), java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }

            List<String> cmd = new ArrayList<>(commandPrefix);
            cmd.addAll(List.of("turnserver", "-c", conf.toString()));
            ManagedProcess p = ManagedProcess.start("coturn", cmd, Map.of(), dir);
            CoturnProcess turn = new CoturnProcess(this, p, plain, tls, min, max, dir, conf, cert, key);
            // coturn prints this once every listener and relay thread is up.
            if (!turn.awaitLog("Total General servers", startTimeout) || !p.isAlive()) {
                String log = p.tail(4000);
                p.close();
                throw new IllegalStateException("coturn did not start within " + startTimeout + " (config " + conf + "); log:\n" + log);
            }
            if (commandPrefix.isEmpty()) awaitTcp(turn, p);
            return turn;
        }

        private void awaitTcp(CoturnProcess turn, ManagedProcess p) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(listenIp, turn.port), 500);
                    return;
                } catch (IOException notYet) {
                    sleep(50);
                }
            }
            String log = p.tail(4000);
            p.close();
            throw new IllegalStateException("coturn is not accepting TCP on " + listenIp + ":" + turn.port + "; log:\n" + log);
        }

        private static void run(Path dir, String name, List<String> command) {
            ManagedProcess p = ManagedProcess.start(name, command, Map.of(), dir);
            try {
                int exit = p.waitFor(Duration.ofSeconds(30));
                if (exit != 0) throw new IllegalStateException(name + " failed (exit " + exit + "): " + p.tail(2000));
            } finally {
                p.close();
            }
        }
    }

    /** Reads a whole file as UTF-8 (helper for callers that inspect the rendered config). */
    public String configText() {
        try { return Files.readString(config, StandardCharsets.UTF_8); } catch (IOException e) { throw new IllegalStateException(e); }
    }
}
