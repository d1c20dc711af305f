package dev.qring.socketio.internal;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.qring.engineio.EngineRequest;
import dev.qring.engineio.EngineSocket;
import dev.qring.engineio.ProtocolException;
import dev.qring.socketio.Handshake;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO side of one Engine.IO session: decodes packets, reassembles binary attachments, multiplexes
 * namespaces. Everything here runs on the session's event loop.
 */
final class ClientConnection implements EngineSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    final DefaultSocketIoServer server;
    final EngineSocket engine;
    private final HashMap<String, SocketImpl> sockets = new HashMap<>(2);
    private ScheduledFuture<?> connectTimer;
    private boolean everConnected;
    private Packet partial;               // a binary packet waiting for its attachments
    private List<byte[]> partialBuffers;
    private long partialBytes;

    ClientConnection(DefaultSocketIoServer server, EngineSocket engine) {
        this.server = server;
        this.engine = engine;
    }

    void startConnectTimer() {
        connectTimer = engine.eventLoop().schedule(() -> {
            if (!everConnected) engine.close("forced close"); // no namespace joined in time
        }, server.options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onSocketConnected() {
        everConnected = true;
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
    }

    void removeSocket(SocketImpl s) {
        sockets.remove(s.nspName(), s);
    }

    List<SocketImpl> socketsSnapshot() { return new ArrayList<>(sockets.values()); }

    @Override
    public void onMessage(EngineSocket socket, String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        onMessage(socket, b, 0, b.length);
    }

    @Override
    public void onMessage(EngineSocket socket, byte[] utf8, int offset, int length) {
        if (partial != null) {
            protocolError("text packet while waiting for binary attachments");
            return;
        }
        Packet p;
        try {
            p = PacketDecoder.decode(utf8, offset, length);
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
            return;
        }
        if (p.attachments() > 0) {
            partial = p;
            partialBuffers = new ArrayList<>(p.attachments());
            partialBytes = 0;
            return;
        }
        dispatch(p);
    }

    @Override
    public void onBinary(EngineSocket socket, byte[] data) {
        if (partial == null) {
            protocolError("unexpected binary attachment");
            return;
        }
        partialBuffers.add(data);
        partialBytes += data.length;
        if (partialBytes > server.options.maxPayload() * 4L) {
            protocolError("attachments too large");
            return;
        }
        if (partialBuffers.size() < partial.attachments()) return;
        Packet p;
        try {
            p = PacketDecoder.reconstruct(partial, partialBuffers);
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
            return;
        } finally {
            partial = null;
            partialBuffers = null;
        }
        dispatch(p);
    }

    private void protocolError(String why) {
        log.debug("session {}: closing on protocol error: {}", engine.id(), why);
        partial = null;
        partialBuffers = null;
        engine.fail("parse error");
    }

    private void dispatch(Packet p) {
        switch (p.type()) {
            case Packet.CONNECT -> connect(p);
            case Packet.DISCONNECT -> {
                SocketImpl s = sockets.get(p.nsp());
                if (s != null) s.onClose("client namespace disconnect");
            }
            case Packet.EVENT, Packet.BINARY_EVENT -> {
                SocketImpl s = sockets.get(p.nsp());
                if (s != null) s.onEvent(p);
            }
            case Packet.ACK, Packet.BINARY_ACK -> {
                SocketImpl s = sockets.get(p.nsp());
                if (s != null) s.onAck(p);
            }
            default -> protocolError("unexpected packet type " + p.type());
        }
    }

    private void connect(Packet p) {
        NamespaceImpl ns = server.namespaces.get(p.nsp());
        if (ns == null) {
            engine.sendEncoded(server.encoder.encodeSimple(Packet.CONNECT_ERROR, p.nsp(), Map.of("message", "Invalid namespace")), null);
            return;
        }
        if (sockets.containsKey(p.nsp())) return; // already connected (or connecting) to it
        EngineRequest r = engine.request();
        Handshake hs = new Handshake(p.data() == null ? NullNode.getInstance() : p.data(), r.headers(), r.query(),
                r.remoteAddress(), r.issuedAt());
        SocketImpl s = new SocketImpl(this, ns, server.newSocketId(), hs);
        sockets.put(p.nsp(), s);
        ns.runMiddlewares(s);
    }

    @Override
    public void onClose(EngineSocket socket, String reason) {
        if (connectTimer != null) connectTimer.cancel(false);
        partial = null;
        partialBuffers = null;
        for (SocketImpl s : socketsSnapshot()) s.onClose(reason);
    }

    /** Server-side disconnect of every namespace, then the transport. */
    void disconnectAll() {
        for (SocketImpl s : socketsSnapshot()) s.disconnectFromServer();
        engine.close("forced close");
    }
}
