package dev.qring.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 server for tests: {@code initdb} into a fresh temp dir (owned by the {@code postgres}
 * user: initdb refuses root), then {@code postgres} in the foreground on a free loopback port with its unix socket in
 * the data dir. {@link #stop()} shuts it down by pid (fast shutdown: open connections are cut, as in an outage);
 * {@link #start()} brings it back on the same data dir and port. {@link #close()} stops it and deletes the data dir.
 *
 * <pre>{@code
 * try (PostgresProcess pg = PostgresProcess.startNew()) {
 *     String url = pg.createDatabase("t1");   // jdbc:postgresql://127.0.0.1:PORT/t1?user=postgres
 *     pg.stop(); ...; pg.start();            // outage
 * }
 * }</pre>
 */
public final class PostgresProcess implements AutoCloseable {
    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String USER = "postgres";

    private final Path dataDir;
    private final int port;
    private ManagedProcess server;

    private PostgresProcess(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** initdb + start. Takes a few seconds. */
    public static PostgresProcess startNew() {
        Path dir;
        try {
            // Not under target/: the postgres user must be able to traverse every parent directory. /dev/shm (tmpfs)
            // when there is one: tests start quickly and clean up instantly even when other jobs keep the disk busy
            // (deleting a data dir on a congested disk once held a JVM's exit past surefire's 30 s limit). Committed
            // data survives stop()/start() all the same; only the durability benchmark needs a real disk.
            Path base = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of("/tmp");
            Path parent = Files.createTempDirectory(base, "qring-pg-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            dir = parent.resolve("data");
            Files.createDirectories(dir);
            run(List.of("chown", "-R", USER + ":" + USER, parent.toString()), Duration.ofSeconds(10));
            run(List.of("chmod", "700", dir.toString()), Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a PostgreSQL data dir", e);
        }
        run(asPostgres(BIN.resolve("initdb").toString(), "-D", dir.toString(), "-A", "trust", "-U", USER,
                "-E", "UTF8", "--locale=C", "--no-sync"), Duration.ofSeconds(60));
        PostgresProcess pg = new PostgresProcess(dir, FreePorts.tcpAndUdp());
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
        pg.start();
        return pg;
    }

    /** Starts the server (again) on the same data dir and port; waits until it accepts connections. */
    public synchronized void start() {
        if (server != null && server.isAlive()) return;
        server = ManagedProcess.start("postgres", asPostgres(BIN.resolve("postgres").toString(), "-D", dataDir.toString(),
                "-p", String.valueOf(port), "-k", dataDir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "max_connections=100", "-c", "shared_buffers=64MB", "-c", "log_min_messages=warning"),
                Map.of(), dataDir.getParent());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("postgres exited at start; log:\n" + server.tail(4000));
            if (isReady()) return;
            sleep(50);
        }
        throw new IllegalStateException("postgres not ready within 30 s; log:\n" + server.tail(4000));
    }

    private boolean isReady() {
        try {
            Process p = new ProcessBuilder(BIN.resolve("pg_isready").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-U", USER, "-t", "1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(3, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Fast shutdown by pid (SIGINT to the postmaster): connections are cut, committed data stays. */
    public synchronized void stop() {
        stop("-INT");
    }

    /**
     * Immediate shutdown by pid (SIGQUIT): like a crash — no shutdown checkpoint, crash recovery at the next
     * {@link #start()}. Quick even when the disk is busy; {@link #close()} uses it since the data is discarded.
     */
    public synchronized void kill() {
        stop("-QUIT");
    }

    private void stop(String signal) {
        if (server == null) return;
        Long pid = postmasterPid();
        if (pid != null) {
            run(List.of("kill", signal, String.valueOf(pid)), Duration.ofSeconds(5));
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
        }
        server.close();
        server = null;
    }

    public boolean isRunning() { return server != null && server.isAlive(); }

    private Long postmasterPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) return null;
            return Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public int port() { return port; }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/<db>?user=postgres}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    /** {@code postgresql://postgres@127.0.0.1:PORT/<db>} (the QRING_DATABASE_URL form). */
    public String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) throw new IllegalArgumentException("bad database name " + name);
        psql("postgres", "CREATE DATABASE " + name);
        return jdbcUrl(name);
    }

    /** Runs SQL through psql (as the postgres superuser) and returns its output. */
    public String psql(String database, String sql) {
        return run(List.of("psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER, "-d", database,
                "-v", "ON_ERROR_STOP=1", "-At", "-c", sql), Duration.ofSeconds(30));
    }

    public Path dataDir() { return dataDir; }

    public String logTail() { return server == null ? "<stopped>" : server.tail(4000); }

    @Override
    public synchronized void close() {
        try {
            kill();
        } finally {
            deleteTree(dataDir.getParent());
        }
    }

    private static List<String> asPostgres(String... cmd) {
        List<String> l = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        l.addAll(List.of(cmd));
        return l;
    }

    private static String run(List<String> cmd, Duration timeout) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            String text = new String(out);
            if (p.exitValue() != 0) throw new IllegalStateException("failed (" + p.exitValue() + "): " + cmd + "\n" + text);
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
