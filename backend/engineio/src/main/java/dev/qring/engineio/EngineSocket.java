package dev.qring.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO v4 session, over HTTP long-polling or websocket (possibly upgraded from polling).
 *
 * <p>Threading: all state lives on one event loop ({@link #eventLoop()}); the listener is always called there,
 * one call at a time. The {@code send*} and {@code close} methods are thread-safe (they hop to the loop).
 *
 * <p>Outbound data is bounded: when more than {@link EngineIoOptions#outboundQueueLimit()} bytes wait for the
 * client (polling buffer, or unflushed websocket writes), the session is closed and counted as a slow client.
 */
public final class EngineSocket {
    static { NettyTuning.apply(); } // before any Netty buffer class loads

    private static final Logger log = LoggerFactory.getLogger(EngineSocket.class);

    /** Receives what the client sends. Called on the session's event loop. */
    public interface Listener {
        /** A text message (Engine.IO MESSAGE packet, without the leading '4'). */
        void onMessage(EngineSocket socket, String text);

        /**
         * The same, as UTF-8 bytes {@code [offset, offset + length)} (websocket frames arrive this way; the array is
         * not reused after the call). Override to parse bytes directly; the default decodes to a String.
         */
        default void onMessage(EngineSocket socket, byte[] utf8, int offset, int length) {
            onMessage(socket, new String(utf8, offset, length, StandardCharsets.UTF_8));
        }

        /** A binary message. */
        void onBinary(EngineSocket socket, byte[] data);

        /** The session closed; called once. Reasons: "transport close", "transport error", "ping timeout",
         *  "parse error", "forced close", "server shutting down". */
        void onClose(EngineSocket socket, String reason);
    }

    private static final Listener NO_LISTENER = new Listener() {
        public void onMessage(EngineSocket s, String t) { }
        public void onBinary(EngineSocket s, byte[] d) { }
        public void onClose(EngineSocket s, String r) { }
    };

    private static ByteBuf constant(String s) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(s.length()).writeBytes(s.getBytes(StandardCharsets.US_ASCII))).asReadOnly();
    }

    static final ByteBuf PING = constant("2"), NOOP = constant("6"), CLOSE = constant("1"), PROBE_PONG = constant("3probe");

    private final EngineIoServer server;
    private final String id;
    private final EventLoop loop;
    private final EngineRequest request;
    private volatile Listener listener = NO_LISTENER;

    // ---- loop-confined state ----
    private boolean closed;
    private Channel ws;                 // the websocket, once the session runs on it
    private Channel probe;              // a websocket probing an upgrade from polling
    private boolean probed;             // the probe answered "3probe"; polls are released with NOOP
    private ScheduledFuture<?> upgradeTimer;
    private ScheduledFuture<?> heartbeat;
    private ArrayDeque<Object> pollBuffer; // ByteBuf (text packet incl. type) or byte[] (binary message)
    private long pollBufferBytes;
    private PendingPoll pendingPoll;

    EngineSocket(EngineIoServer server, String id, EventLoop loop, EngineRequest request) {
        this.server = server;
        this.id = id;
        this.loop = loop;
        this.request = request;
    }

    public String id() { return id; }

    public EngineRequest request() { return request; }

    /** The loop all callbacks of this session run on; use it for timers bound to this session. */
    public EventLoop eventLoop() { return loop; }

    /** "websocket" or "polling" (the current transport). */
    public String transport() { return ws != null ? "websocket" : "polling"; }

    public void setListener(Listener l) { this.listener = l == null ? NO_LISTENER : l; }

    /** True until the session closed (read from any thread, eventually consistent). */
    public boolean isOpen() { return !closed; }

    // ============================== sending ==============================

    /** Sends a text message. */
    public void send(String text) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(text.length() + 1);
        buf.writeByte(EnginePacket.MESSAGE);
        buf.writeCharSequence(text, StandardCharsets.UTF_8);
        sendEncoded(buf, null);
    }

    /** Sends a binary message. */
    public void sendBinary(byte[] data) {
        run(() -> { if (!closed) enqueue(null, List.of(data)); });
    }

    /**
     * Sends an already encoded text packet (UTF-8, starting with the Engine.IO type character, e.g. "42[...]"),
     * followed by binary messages, with nothing interleaved. Takes ownership of {@code textPacket} (one reference):
     * pass {@code buf.retainedDuplicate()} to send the same bytes to many sessions.
     */
    public void sendEncoded(ByteBuf textPacket, List<byte[]> binaries) {
        if (loop.inEventLoop()) {
            if (closed) textPacket.release(); else enqueue(textPacket, binaries);
            return;
        }
        try {
            loop.execute(() -> { if (closed) textPacket.release(); else enqueue(textPacket, binaries); });
        } catch (RejectedExecutionException e) {
            textPacket.release();
        }
    }

    /** Closes the session from the server side (reason "forced close"). */
    public void close() { close("forced close"); }

    /** Closes the session with the given reason. */
    public void close(String reason) { run(() -> doClose(reason, false)); }

    /** Closes the session because the client sent something invalid (counted as a protocol error). */
    public void fail(String reason) {
        run(() -> {
            if (closed) return;
            server.stats.protocolErrors.increment();
            doClose(reason, false);
        });
    }

    private void run(Runnable r) {
        if (loop.inEventLoop()) r.run();
        else {
            try { loop.execute(r); } catch (RejectedExecutionException ignored) { /* server shutting down */ }
        }
    }

    /** On the loop, session open. */
    private void enqueue(ByteBuf text, List<byte[]> binaries) {
        if (ws != null) {
            if (pendingBytes(ws) > server.options.outboundQueueLimit()) {
                if (text != null) text.release();
                slowClient();
                return;
            }
            if (text != null) ws.write(new TextWebSocketFrame(text), ws.voidPromise());
            if (binaries != null) {
                for (byte[] b : binaries) ws.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b)), ws.voidPromise());
            }
            ws.flush();
            return;
        }
        if (pollBuffer == null) pollBuffer = new ArrayDeque<>(4);
        if (text != null) {
            pollBuffer.add(text);
            pollBufferBytes += text.readableBytes() + 1;
        }
        if (binaries != null) {
            for (byte[] b : binaries) {
                pollBuffer.add(b);
                pollBufferBytes += (b.length * 4L / 3) + 4;
            }
        }
        if (pollBufferBytes > server.options.outboundQueueLimit()) {
            slowClient();
            return;
        }
        flushPoll();
    }

    private static long pendingBytes(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    private void slowClient() {
        if (closed) return;
        server.stats.slowClients.increment();
        log.debug("session {}: outbound queue over {} bytes, closing slow client", id, server.options.outboundQueueLimit());
        Channel c = ws;
        doClose("transport error", false);
        if (c != null) c.close(); // no close frame: the client is not reading anyway
    }

    private void writeControl(ByteBuf constant) {
        if (ws != null) {
            ws.writeAndFlush(new TextWebSocketFrame(constant.duplicate()), ws.voidPromise());
        } else {
            if (pollBuffer == null) pollBuffer = new ArrayDeque<>(4);
            pollBuffer.add(constant.duplicate());
            pollBufferBytes += 2;
            flushPoll();
        }
    }

    // ============================== heartbeat ==============================

    void startHeartbeat() {
        heartbeat = loop.schedule(this::sendPing, server.options.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendPing() {
        if (closed) return;
        writeControl(PING);
        heartbeat = loop.schedule(this::pingTimedOut, server.options.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pingTimedOut() {
        if (!closed) doClose("ping timeout", false);
    }

    private void onPong() {
        if (heartbeat != null) heartbeat.cancel(false);
        startHeartbeat();
    }

    // ============================== inbound ==============================

    /** A decoded packet from the active transport (polling POST or the session's websocket). On the loop. */
    private void onPacket(EnginePacket p) {
        if (closed) return;
        switch (p.type()) {
            case EnginePacket.MESSAGE -> listener.onMessage(this, p.data());
            case EnginePacket.BINARY -> listener.onBinary(this, p.binary());
            case EnginePacket.PONG -> onPong();
            case EnginePacket.CLOSE -> doClose("transport close", true);
            case EnginePacket.NOOP -> { }
            default -> { // OPEN, UPGRADE outside an upgrade, PING (v4 heartbeats go server -> client)
                server.stats.protocolErrors.increment();
                doClose("parse error", false);
            }
        }
    }

    // ---- websocket ----

    void attachWebSocket(Channel ch) { // on loop, direct websocket session
        this.ws = ch;
    }

    /** On loop, right after the websocket handshake of a direct websocket session. */
    void sendOpen(String openPacket) {
        if (closed || ws == null) return;
        ws.writeAndFlush(new TextWebSocketFrame(openPacket), ws.voidPromise());
    }

    /** A text frame (valid UTF-8: the frame decoder checks) from a websocket of this session. */
    void onWsText(Channel ch, byte[] utf8) {
        if (!loop.inEventLoop()) { run(() -> onWsText(ch, utf8)); return; }
        if (closed) return;
        if (ch == probe) { onProbeText(new String(utf8, StandardCharsets.UTF_8)); return; }
        if (ch != ws) return;
        if (utf8.length > 0 && utf8[0] == EnginePacket.MESSAGE) { // the hot path: no String, no copy
            listener.onMessage(this, utf8, 1, utf8.length - 1);
            return;
        }
        EnginePacket p;
        try {
            p = EnginePacket.decodeText(new String(utf8, StandardCharsets.UTF_8));
        } catch (ProtocolException e) {
            fail("parse error");
            return;
        }
        onPacket(p);
    }

    void onWsBinary(Channel ch, byte[] data) {
        if (!loop.inEventLoop()) { run(() -> onWsBinary(ch, data)); return; }
        if (closed) return;
        if (ch == probe) { abortProbe(); return; }
        if (ch == ws) listener.onBinary(this, data);
    }

    void onWsClosed(Channel ch, boolean error) {
        if (!loop.inEventLoop()) { run(() -> onWsClosed(ch, error)); return; }
        if (ch == probe) { abortProbe(); return; }
        if (ch == ws && !closed) doClose(error ? "transport error" : "transport close", false);
    }

    // ---- upgrade (polling -> websocket) ----

    /** On loop: may a websocket with this sid start probing? */
    boolean canUpgrade() {
        return !closed && ws == null && probe == null && server.options.allowUpgrades();
    }

    void startProbe(Channel ch) {
        probe = ch;
        probed = false;
        upgradeTimer = loop.schedule(this::abortProbe, server.options.upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onProbeText(String text) {
        if ("2probe".equals(text)) {
            probe.writeAndFlush(new TextWebSocketFrame(PROBE_PONG.duplicate()), probe.voidPromise());
            probed = true;
            // release a waiting poll so the client can pause polling and send UPGRADE
            if (pendingPoll != null) respondPoll(pollBuffer != null && !pollBuffer.isEmpty() ? null : NOOP);
        } else if ("5".equals(text) && probed) {
            if (upgradeTimer != null) upgradeTimer.cancel(false);
            ws = probe;
            probe = null;
            if (pendingPoll != null) respondPoll(NOOP);
            if (pollBuffer != null && !pollBuffer.isEmpty()) {
                for (Object o : pollBuffer) {
                    if (o instanceof ByteBuf b) ws.write(new TextWebSocketFrame(b), ws.voidPromise());
                    else ws.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer((byte[]) o)), ws.voidPromise());
                }
                pollBuffer.clear();
                ws.flush();
            }
            pollBuffer = null;
            pollBufferBytes = 0;
        } else {
            abortProbe();
        }
    }

    private void abortProbe() {
        if (!loop.inEventLoop()) { run(this::abortProbe); return; }
        if (upgradeTimer != null) upgradeTimer.cancel(false);
        upgradeTimer = null;
        Channel p = probe;
        probe = null;
        probed = false;
        if (p != null) p.close();
    }

    // ---- polling ----

    private record PendingPoll(Channel channel, boolean keepAlive, String origin, ChannelFutureListener onClose) { }

    /** GET with this sid, on loop. */
    void onPoll(Channel ch, boolean keepAlive, String origin) {
        if (closed) { server.http.error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 1, "Session ID unknown"); return; }
        if (ws != null) { server.http.error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 3, "Bad request"); return; }
        if (pendingPoll != null) {
            server.http.error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 3, "Bad request");
            server.stats.protocolErrors.increment();
            doClose("transport error", false); // overlapping polls: the official server closes the session too
            return;
        }
        ChannelFutureListener onClose = f -> run(() -> {
            if (pendingPoll != null && pendingPoll.channel == f.channel() && !closed) {
                pendingPoll = null;
                doClose("transport close", false); // the client gave up the poll: the session is gone
            }
        });
        pendingPoll = new PendingPoll(ch, keepAlive, origin, onClose);
        ch.closeFuture().addListener(onClose);
        if (pollBuffer != null && !pollBuffer.isEmpty()) flushPoll();
        else if (probed) respondPoll(NOOP);
    }

    /** POST with this sid, on loop. Releases {@code body}. */
    void onPost(Channel ch, ByteBuf body, boolean keepAlive, String origin) {
        try {
            if (closed) { server.http.error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 1, "Session ID unknown"); return; }
            if (ws != null) { server.http.error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 3, "Bad request"); return; }
            if (body.readableBytes() > server.options.maxPayload()) {
                server.http.respond(ch, keepAlive, origin, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.EMPTY_BUFFER, null);
                server.stats.protocolErrors.increment();
                doClose("transport error", false);
                return;
            }
            List<EnginePacket> packets;
            try {
                packets = EnginePacket.decodePayload(body);
            } catch (ProtocolException e) {
                server.http.error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 3, "Bad request");
                server.stats.protocolErrors.increment();
                doClose("parse error", false);
                return;
            }
            server.http.respond(ch, keepAlive, origin, HttpResponseStatus.OK, Unpooled.wrappedBuffer(OK_BYTES), "text/html");
            for (EnginePacket p : packets) {
                if (closed) break;
                onPacket(p);
            }
        } finally {
            body.release();
        }
    }

    private static final byte[] OK_BYTES = "ok".getBytes(StandardCharsets.US_ASCII);

    private void flushPoll() {
        if (pendingPoll != null && pollBuffer != null && !pollBuffer.isEmpty()) respondPoll(null);
    }

    /** Answers the pending poll with {@code constant}, or with the whole buffer when null. */
    private void respondPoll(ByteBuf constant) {
        PendingPoll p = pendingPoll;
        pendingPoll = null;
        p.channel.closeFuture().removeListener(p.onClose);
        ByteBuf body;
        if (constant != null) {
            body = constant.duplicate();
        } else {
            body = p.channel.alloc().buffer((int) Math.min(Integer.MAX_VALUE - 16, pollBufferBytes + 16));
            boolean first = true;
            for (Object o; (o = pollBuffer.poll()) != null; ) {
                if (!first) body.writeByte(EnginePacket.SEPARATOR);
                first = false;
                if (o instanceof ByteBuf b) {
                    body.writeBytes(b);
                    b.release();
                } else {
                    body.writeByte(EnginePacket.BINARY);
                    body.writeBytes(Base64.getEncoder().encode((byte[]) o));
                }
            }
            pollBufferBytes = 0;
        }
        server.http.respond(p.channel, p.keepAlive, p.origin, HttpResponseStatus.OK, body, "text/plain; charset=UTF-8");
    }

    // ============================== closing ==============================

    /**
     * On loop. {@code byClient}: the client sent CLOSE (a waiting poll is released with NOOP, as the official
     * server does); otherwise a waiting poll gets CLOSE.
     */
    private void doClose(String reason, boolean byClient) {
        if (closed) return;
        closed = true;
        server.sessions.remove(id, this);
        server.stats.open.decrement();
        if (heartbeat != null) heartbeat.cancel(false);
        if (upgradeTimer != null) upgradeTimer.cancel(false);
        if (probe != null) { probe.close(); probe = null; }
        if (pendingPoll != null) respondPoll(byClient ? NOOP : CLOSE);
        if (pollBuffer != null) {
            for (Object o; (o = pollBuffer.poll()) != null; ) ReferenceCountUtil.release(o);
            pollBuffer = null;
        }
        Channel c = ws;
        if (c != null && c.isActive()) { // a closing handshake, so that every client sees a clean close
            c.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }
        log.debug("session {} closed: {}", id, reason);
        try {
            listener.onClose(this, reason);
        } catch (RuntimeException e) {
            log.warn("close listener of session {} failed", id, e);
        }
    }
}
