package dev.qring.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.qring.testkit.FreePorts;
import dev.qring.testkit.ManagedProcess;
import dev.qring.testkit.TestPaths;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Everything a browser test talks to, on loopback ports of its own: a throwaway PostgreSQL cluster, a coturn
 * with short-lived-credential auth (test config: the secure baseline plus {@code allow-loopback-peers}), the
 * QRing server (the app module's Main on the test classpath, which includes the built web app under
 * {@code static/}), and a tiny control endpoint through which a node script asks the harness to act
 * (stop/start PostgreSQL). {@link #close()} stops every process by pid, in reverse order.
 */
final class E2eStack implements AutoCloseable {
    static final String PG_BIN = "/usr/lib/postgresql/15/bin";
    static final String TURN_SECRET = "e2e-turn-secret-" + Long.toHexString(System.nanoTime());

    final Path work;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, Callable<String>> actions = new ConcurrentHashMap<>();

    // PostgreSQL
    private Path pgData;
    private int pgPort;
    private ManagedProcess postgres;
    // coturn
    int turnPort;
    int turnTlsPort;
    String turnSpki;
    String turnHost = "127.0.0.1";
    // QRing
    int httpPort;
    ManagedProcess server;
    private HttpServer control;

    E2eStack(String name) {
        this.work = TestPaths.scratch("e2e-" + name);
    }

    // ---------------------------------------------------------------------------------------------- PostgreSQL

    /** initdb (as the postgres user: initdb refuses root) and start on a free loopback port. */
    E2eStack startPostgres() throws Exception {
        pgData = work.resolve("pgdata");
        Files.createDirectories(pgData);
        run(List.of("chown", "-R", "postgres:postgres", work.toString()), Duration.ofSeconds(10));
        run(asPostgres(PG_BIN + "/initdb", "-D", pgData.toString(), "-A", "trust", "-U", "postgres", "--no-sync"), Duration.ofSeconds(60));
        pgPort = FreePorts.tcpAndUdp();
        startPostgresProcess();
        actions.put("db/stop", () -> { stopPostgres(); return "stopped"; });
        actions.put("db/start", () -> { startPostgresProcess(); return "started"; });
        return this;
    }

    String databaseUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres";
    }

    private static List<String> asPostgres(String... cmd) {
        // setpriv execs in place (no extra parent process), so the pid we hold is postgres itself.
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        c.addAll(List.of(cmd));
        return c;
    }

    private synchronized void startPostgresProcess() throws Exception {
        if (postgres != null && postgres.isAlive()) return;
        postgres = ManagedProcess.start("postgres", asPostgres(PG_BIN + "/postgres", "-D", pgData.toString(),
                "-c", "listen_addresses=127.0.0.1", "-p", String.valueOf(pgPort), "-c", "unix_socket_directories=" + pgData,
                "-c", "fsync=off", "-c", "max_connections=60"), Map.of(), work);
        waitForPort(pgPort, Duration.ofSeconds(30), postgres);
    }

    /** Fast shutdown (SIGINT): the outage the app must survive. */
    synchronized void stopPostgres() throws Exception {
        if (postgres == null || !postgres.isAlive()) return;
        run(List.of("kill", "-INT", String.valueOf(postgres.pid())), Duration.ofSeconds(5));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (postgres.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        postgres.close();
    }

    // ---------------------------------------------------------------------------------------------- coturn

    /** coturn on 127.0.0.1 with UDP, TCP and TLS listeners and a self-signed certificate. */
    E2eStack startCoturn() throws Exception {
        turnPort = FreePorts.tcpAndUdp();
        turnTlsPort = FreePorts.tcpAndUdp();
        int relayMin = FreePorts.udpRange(40);
        Path cert = work.resolve("turn-cert.pem");
        Path key = work.resolve("turn-key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=turn.test", "-addext", "subjectAltName=IP:127.0.0.1"), Duration.ofSeconds(30));
        turnSpki = spki(cert);
        Path conf = work.resolve("turnserver.conf");
        Files.writeString(conf, String.join("\n",
                "listening-ip=" + turnHost,
                "relay-ip=" + turnHost,
                "listening-port=" + turnPort,
                "tls-listening-port=" + turnTlsPort,
                "min-port=" + relayMin,
                "max-port=" + (relayMin + 39),
                "fingerprint",
                "use-auth-secret",
                "static-auth-secret=" + TURN_SECRET,
                "realm=turn.test",
                "cert=" + cert,
                "pkey=" + key,
                "no-tlsv1",
                "no-tlsv1_1",
                "no-dtls",
                "no-cli",
                "no-multicast-peers",
                "allow-loopback-peers",
                "total-quota=100",
                "user-quota=20",
                "pidfile=" + work.resolve("turnserver.pid"),
                "log-file=stdout",
                "simple-log",
                ""));
        ManagedProcess turn = ManagedProcess.start("coturn", List.of("turnserver", "-c", conf.toString()), Map.of(), work);
        closeables.add(turn);
        waitForPort(turnTlsPort, Duration.ofSeconds(20), turn);
        waitForPort(turnPort, Duration.ofSeconds(20), turn);
        return this;
    }

    String turnUrls() {
        return "turn:" + turnHost + ":" + turnPort + "?transport=udp,turn:" + turnHost + ":" + turnPort + "?transport=tcp,turns:"
                + turnHost + ":" + turnTlsPort + "?transport=tcp";
    }

    /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, for --ignore-certificate-errors-spki-list. */
    static String spki(Path certPem) throws Exception {
        try (InputStream in = Files.newInputStream(certPem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
        }
    }

    // ---------------------------------------------------------------------------------------------- QRing server

    /** Starts the QRing server (Main on this JVM's test classpath) with {@code env}; waits for /health/live. */
    E2eStack startServer(Map<String, String> extraEnv) throws Exception {
        httpPort = FreePorts.tcpAndUdp();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QRING_HTTP_PORT", String.valueOf(httpPort));
        env.put("QRING_BIND_ADDRESS", "127.0.0.1");
        env.put("QRING_PUBLIC_URL", "http://127.0.0.1:" + httpPort);
        env.put("QRING_DATA_DIR", work.resolve("data").toString());
        if (pgData != null) env.put("QRING_DATABASE_URL", databaseUrl());
        if (turnPort != 0) {
            env.put("QRING_TURN_URLS", turnUrls());
            env.put("QRING_TURN_SECRET", TURN_SECRET);
            env.put("QRING_TURN_TTL", "1h");
        }
        env.putAll(extraEnv);
        server = ManagedProcess.start("qring-server", serverCommand(), env, work);
        waitForHttp(baseUrl() + "/health/live", Duration.ofSeconds(60), server);
        return this;
    }

    static List<String> serverCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow", "-cp",
                System.getProperty("java.class.path"), "dev.qring.app.Main");
    }

    String baseUrl() { return "http://127.0.0.1:" + httpPort; }

    // ---------------------------------------------------------------------------------------------- control

    /** The endpoint node scripts POST to ({@code /db/stop}, {@code /db/start}). */
    String controlUrl() throws IOException {
        if (control == null) {
            control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            control.createContext("/", exchange -> {
                String action = exchange.getRequestURI().getPath().substring(1);
                Callable<String> a = actions.get(action);
                int status;
                String body;
                try {
                    if (a == null) { status = 404; body = "unknown action " + action; }
                    else { body = a.call(); status = 200; }
                } catch (Exception e) {
                    status = 500;
                    body = String.valueOf(e);
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            control.start();
        }
        return "http://127.0.0.1:" + control.getAddress().getPort();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static void run(List<String> cmd, Duration timeout) throws Exception {
        ManagedProcess p = ManagedProcess.start(Path.of(cmd.get(0)).getFileName().toString(), cmd);
        try {
            int code = p.waitFor(timeout);
            if (code != 0) throw new IllegalStateException(cmd + " exited " + code + ":\n" + p.tail(3000));
        } finally {
            p.close();
        }
    }

    static void waitForPort(int port, Duration timeout, ManagedProcess owner) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) throw new IllegalStateException(owner + " exited:\n" + owner.tail(4000));
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(owner + " not listening on " + port + " after " + timeout + ":\n" + owner.tail(4000));
    }

    static void waitForHttp(String url, Duration timeout, ManagedProcess owner) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) throw new IllegalStateException(owner + " exited:\n" + owner.tail(6000));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(owner + " did not answer " + url + " within " + timeout + ":\n" + owner.tail(6000));
    }

    void add(AutoCloseable c) { closeables.add(c); }

    @Override
    public void close() {
        if (control != null) control.stop(0);
        if (server != null) server.close();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try { closeables.get(i).close(); } catch (Exception e) { /* keep stopping the rest */ }
        }
        if (postgres != null) {
            try { stopPostgres(); } catch (Exception e) { postgres.close(); }
        }
    }
}
