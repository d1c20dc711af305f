package dev.qring.conformance;

import dev.qring.testkit.FreePorts;
import dev.qring.testkit.ManagedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * {@code ConformanceMain <mode>} in its own JVM (as {@code ./qring conformance <mode>} runs it), on a free port
 * given through the {@code PORT} environment variable, with this test JVM's classpath. Stopped by pid on close.
 */
final class ConformanceServerProcess implements AutoCloseable {
    private final ManagedProcess process;
    private final int port;

    private ConformanceServerProcess(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server, retrying on another port when the chosen one was taken meanwhile (on a busy machine another
     * process may grab the port between {@link FreePorts} checking it and the server binding it).
     */
    static ConformanceServerProcess start(String mode) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = FreePorts.tcpAndUdp();
            String java = ProcessHandle.current().info().command().orElse("java");
            ManagedProcess p = ManagedProcess.start("conformance-" + mode,
                    List.of(java, "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                            "dev.qring.conformance.ConformanceMain", mode),
                    Map.of("PORT", Integer.toString(port)), null);
            try {
                if (awaitListening(p, port, 20_000)) return new ConformanceServerProcess(p, port);
                last = new IllegalStateException("port " + port + " taken; log:\n" + p.tail(2000));
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            p.close();
        }
        throw last;
    }

    /**
     * True once the server accepts connections on {@code port}; false when it failed to bind (so the caller retries
     * elsewhere). A connection alone is not trusted: another process might own the port, so the server's own log
     * must show no bind failure a moment after the port answers.
     */
    private static boolean awaitListening(ManagedProcess process, int port, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (bindFailed(process)) return false;
            if (!process.isAlive()) {
                throw new IllegalStateException("conformance server exited early; log:\n" + process.tail(4000));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                sleep(300);
                return !bindFailed(process);
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("conformance server not listening on " + port + " after " + timeoutMs + " ms; log:\n" + process.tail(4000));
    }

    private static boolean bindFailed(ManagedProcess process) {
        String log = process.logText();
        return log.contains("BindException") || log.contains("Address already in use");
    }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    String url() { return "http://127.0.0.1:" + port; }

    String logTail() { return process.tail(3000); }

    boolean isAlive() { return process.isAlive(); }

    @Override
    public void close() { process.close(); }
}
