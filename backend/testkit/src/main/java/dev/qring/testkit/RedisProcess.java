package dev.qring.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway redis-server for tests on a free loopback port, keeping nothing on disk
 * ({@code --save "" --appendonly no}). {@link #stop()}/{@link #start()} simulate an outage on the same port;
 * {@link #close()} stops it by pid.
 */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private ManagedProcess server;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static RedisProcess startNew() {
        try {
            RedisProcess r = new RedisProcess(FreePorts.tcpAndUdp(), Files.createTempDirectory("qring-redis-"));
            r.start();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void start() {
        if (server != null && server.isAlive()) return;
        server = ManagedProcess.start("redis", List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes"), Map.of(), dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("redis-server exited at start; log:\n" + server.tail(2000));
            if (server.logText().contains("Ready to accept connections") && canConnect()) return;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("redis-server not ready within 15 s; log:\n" + server.tail(2000));
    }

    private boolean canConnect() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized void stop() {
        if (server != null) server.close();
        server = null;
    }

    public boolean isRunning() { return server != null && server.isAlive(); }

    public int port() { return port; }

    /** {@code redis://127.0.0.1:PORT} (the QRING_REDIS_URL form). */
    public String url() { return "redis://127.0.0.1:" + port; }

    @Override
    public void close() {
        stop();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: an empty temp dir
        }
    }
}
