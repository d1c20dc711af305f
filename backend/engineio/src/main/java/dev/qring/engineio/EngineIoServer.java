package dev.qring.engineio;

import io.netty.channel.ChannelHandler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Engine.IO v4 server: handshake, HTTP long-polling, websocket (direct or upgraded from polling),
 * server-driven heartbeat, payload limits, CORS. Mount {@link #httpHandler()} in a Netty pipeline after
 * {@code HttpServerCodec} and {@code HttpObjectAggregator} (whose max content length must be at least
 * {@link EngineIoOptions#maxPayload()} so that oversized polling bodies get the protocol's 413 from us).
 *
 * <p>Only EIO=4 is served; other versions get HTTP 400 {@code {"code":5,"message":"Unsupported protocol version"}}.
 */
public final class EngineIoServer implements AutoCloseable {
    static { NettyTuning.apply(); } // before any Netty buffer class loads


    /** Called once per new session, on the session's loop, after the OPEN packet was sent. */
    @FunctionalInterface
    public interface ConnectionHandler {
        void onConnection(EngineSocket socket);
    }

    final EngineIoOptions options;
    final ConnectionHandler connectionHandler;
    final ConcurrentHashMap<String, EngineSocket> sessions = new ConcurrentHashMap<>();
    final EngineIoStats stats = new EngineIoStats();
    final EngineIoHttpHandler http;
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    public EngineIoServer(EngineIoOptions options, ConnectionHandler connectionHandler) {
        this.options = options;
        this.connectionHandler = connectionHandler;
        this.http = new EngineIoHttpHandler(this);
    }

    public EngineIoOptions options() { return options; }

    /** The sharable Netty handler serving {@link EngineIoOptions#path()}; other requests pass through untouched. */
    public ChannelHandler httpHandler() { return http; }

    public EngineIoStats stats() { return stats; }

    /** The open session with this id, or null. */
    public EngineSocket session(String sid) { return sessions.get(sid); }

    boolean isClosed() { return closed; }

    String newSessionId() {
        byte[] b = new byte[15];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Closes every session ("server shutting down") and refuses new ones. */
    @Override
    public void close() {
        closed = true;
        for (EngineSocket s : new ArrayList<>(sessions.values())) s.close("server shutting down");
    }
}
