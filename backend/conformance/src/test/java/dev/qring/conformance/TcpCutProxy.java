package dev.qring.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of the server whose connections can all be cut at once ({@link #cutAll()}), the way
 * a lost network or a crashed peer ends them: no Socket.IO DISCONNECT, no Engine.IO close packet, just a closed TCP
 * connection. The proxy keeps listening, so clients can reconnect through it. {@link #blackHoleAll} instead stops
 * forwarding on the current connections without closing them (a phone entering a tunnel), which only heartbeats
 * can detect. Threads are virtual.
 */
final class TcpCutProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** The proxy's connections to the server (the other member of each pair is the client's connection). */
    private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
    /** Sockets the proxy stops reading from, so their sender sees TCP backpressure (a client that does not read). */
    private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();
    /** Sockets whose incoming bytes are read and dropped instead of forwarded. */
    private final Set<Socket> blackHoled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    TcpCutProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("cut-proxy-accept").start(this::acceptLoop);
    }

    int port() { return listener.getLocalPort(); }

    /** Connections accepted since start. */
    int accepted() { return accepted.get(); }

    /** Closes every proxied connection (both sides); new connections are still accepted. */
    void cutAll() {
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    /**
     * From now on, bytes arriving on the current connections (either direction) are dropped, not forwarded; the TCP
     * connections stay open until {@code closeAfter} has passed, then they are closed. New connections work normally.
     */
    void blackHoleAll(java.time.Duration closeAfter) {
        List<Socket> victims = List.copyOf(open);
        blackHoled.addAll(victims);
        Thread.ofVirtual().start(() -> {
            try { Thread.sleep(closeAfter); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            for (Socket s : victims) closeQuietly(s);
        });
    }

    /**
     * Stops reading what the server sends on the current connections: once the kernel buffers are full, the server's
     * writes no longer complete, exactly as with a client that stopped reading. Until {@link #releaseStalls()}.
     */
    void stallServerToClient() {
        for (Socket s : open) if (upstreams.contains(s)) stalled.add(s);
    }

    void releaseStalls() { stalled.clear(); }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                upstream.connect(target, 2000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                upstreams.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (!closed) continue;
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        // streams are not closed here: closing a socket stream closes the socket, which decides the finally block
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while (true) {
                while (stalled.contains(from) && !from.isClosed()) Thread.sleep(10);
                if ((n = in.read(buf)) < 0) break;
                if (blackHoled.contains(from)) continue;
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException ignored) {
            // one side closed or was cut: close the other too
        } finally {
            // a black hole does not pass on a close either: the other side keeps waiting until blackHoleAll closes it
            closeQuietly(from);
            if (!blackHoled.contains(from)) closeQuietly(to);
            open.remove(from);
            open.remove(to);
            blackHoled.remove(from);
            blackHoled.remove(to);
            stalled.remove(from);
            upstreams.remove(from);
            upstreams.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try { s.close(); } catch (IOException ignored) { }
    }

    @Override
    public void close() {
        closed = true;
        try { listener.close(); } catch (IOException ignored) { }
        cutAll();
    }
}
