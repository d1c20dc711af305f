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

    static ConformanceServerProcess start(String mode) {
        int port = FreePorts.tcpAndUdp();
        String java = ProcessHandle.current().info().command().orElse("java");
        ManagedProcess p = ManagedProcess.start("conformance-" + mode,
                List.of(java, "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                        "dev.qring.conformance.ConformanceMain", mode),
                Map.of("PORT", Integer.toString(port)), null);
        ConformanceServerProcess server = new ConformanceServerProcess(p, port);
        server.awaitListening(20_000);
        return server;
    }

    private void awaitListening(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("conformance server exited early; log:\n" + process.tail(4000));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
            }
        }
        process.close();
        throw new IllegalStateException("conformance server not listening on " + port + " after " + timeoutMs + " ms; log:\n" + process.tail(4000));
    }

    String url() { return "http://127.0.0.1:" + port; }

    String logTail() { return process.tail(3000); }

    boolean isAlive() { return process.isAlive(); }

    @Override
    public void close() { process.close(); }
}
