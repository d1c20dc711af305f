package dev.qring.socketio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.qring.socketio.Ack;
import dev.qring.socketio.AckTimeoutException;
import dev.qring.socketio.BroadcastOperator;
import dev.qring.socketio.Handshake;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** One client in one namespace. Mutable state is confined to the connection's event loop unless noted. */
final class SocketImpl implements Socket {
    private static final int CONNECTING = 0, CONNECTED = 1, DISCONNECTED = 2;

    private record PendingAck(CompletableFuture<List<JsonNode>> future, ScheduledFuture<?> timer) { }

    final ClientConnection client;
    private final NamespaceImpl ns;
    private final String id;
    private final Handshake handshake;
    private volatile int state = CONNECTING;
    private volatile ConcurrentMap<String, Object> data; // created on first use: most sockets never need it
    private HashMap<Long, PendingAck> acks;               // loop-confined, created on first emitWithAck
    private long nextAckId;

    SocketImpl(ClientConnection client, NamespaceImpl ns, String id, Handshake handshake) {
        this.client = client;
        this.ns = ns;
        this.id = id;
        this.handshake = handshake;
    }

    String nspName() { return ns.name(); }

    boolean isConnecting() { return state == CONNECTING; }

    void onLoop(Runnable r) {
        var loop = client.engine.eventLoop();
        if (loop.inEventLoop()) r.run();
        else {
            try { loop.execute(r); } catch (RejectedExecutionException ignored) { /* shutting down */ }
        }
    }

    // ---------------- connect ----------------

    void admit() {
        if (state != CONNECTING || !client.engine.isOpen()) return;
        state = CONNECTED;
        client.onSocketConnected();
        ns.sockets.put(id, this);
        ns.adapter().addAll(this, Set.of(id));
        client.engine.sendEncoded(ns.server.encoder.encodeSimple(Packet.CONNECT, ns.name(), Map.of("sid", id)), null);
        ns.fireConnection(this);
    }

    void refuse(String message, Object errorData) {
        if (state != CONNECTING) return;
        state = DISCONNECTED;
        client.removeSocket(this);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("message", message == null ? "Connection refused" : message);
        if (errorData != null) payload.put("data", errorData);
        client.engine.sendEncoded(ns.server.encoder.encodeSimple(Packet.CONNECT_ERROR, ns.name(), payload), null);
    }

    // ---------------- inbound ----------------

    void onEvent(Packet p) {
        if (state != CONNECTED) return;
        ArrayNode arr = (ArrayNode) p.data();
        JsonNode name = arr.get(0);
        String event = name.isTextual() ? name.textValue() : name.asText();
        Ack ack = p.ackId() >= 0 ? new AckImpl(this, p.ackId()) : AckImpl.NONE;
        ns.dispatchEvent(this, event, new EventArgs(arr), ack);
    }

    void onAck(Packet p) {
        if (acks == null) return;
        PendingAck pa = acks.remove(p.ackId());
        if (pa == null) return;
        pa.timer.cancel(false);
        List<JsonNode> args = new ArrayList<>(p.data().size());
        for (JsonNode n : p.data()) args.add(n);
        pa.future.complete(List.copyOf(args));
    }

    /** On loop. Idempotent. */
    void onClose(String reason) {
        if (state == DISCONNECTED) return;
        boolean wasConnected = state == CONNECTED;
        state = DISCONNECTED;
        client.removeSocket(this);
        if (acks != null) {
            for (PendingAck pa : acks.values()) {
                pa.timer.cancel(false);
                pa.future.completeExceptionally(new AckTimeoutException("socket disconnected: " + reason));
            }
            acks = null;
        }
        if (!wasConnected) return;
        ns.sockets.remove(id, this);
        ns.adapter().delAll(this);
        if (!reason.endsWith("namespace disconnect")) ns.adapter().persistSession(this, reason);
        ns.fireDisconnect(this, reason);
    }

    void sendAck(long ackId, Object[] args) {
        if (state != CONNECTED) return;
        PacketEncoder.Encoded e = ns.server.encoder.encodeArgs(Packet.ACK, ns.name(), ackId, null, args);
        client.engine.sendEncoded(e.text(), e.attachments());
    }

    /** On loop: DISCONNECT packet + close with "server namespace disconnect". */
    void disconnectFromServer() {
        if (state != CONNECTED) {
            onClose("server namespace disconnect");
            return;
        }
        client.engine.sendEncoded(ns.server.encoder.encodeSimple(Packet.DISCONNECT, ns.name(), null), null);
        onClose("server namespace disconnect");
    }

    // ---------------- public API ----------------

    @Override public String id() { return id; }
    @Override public Namespace namespace() { return ns; }
    @Override public Handshake handshake() { return handshake; }
    @Override public boolean connected() { return state == CONNECTED; }

    @Override
    public ConcurrentMap<String, Object> data() {
        ConcurrentMap<String, Object> d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) data = d = new ConcurrentHashMap<>(4);
            }
        }
        return d;
    }

    @Override
    public void emit(String event, Object... args) {
        if (state != CONNECTED) return;
        PacketEncoder.Encoded e = ns.server.encoder.encodeArgs(Packet.EVENT, ns.name(), -1, event, args);
        client.engine.sendEncoded(e.text(), e.attachments());
    }

    @Override
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Duration timeout, Object... args) {
        CompletableFuture<List<JsonNode>> f = new CompletableFuture<>();
        onLoop(() -> {
            if (state != CONNECTED) {
                f.completeExceptionally(new AckTimeoutException("socket not connected"));
                return;
            }
            long ackId = nextAckId++;
            PacketEncoder.Encoded enc;
            try {
                enc = ns.server.encoder.encodeArgs(Packet.EVENT, ns.name(), ackId, event, args);
            } catch (IllegalArgumentException ex) {
                f.completeExceptionally(ex);
                return;
            }
            ScheduledFuture<?> timer = client.engine.eventLoop().schedule(() -> {
                if (acks != null && acks.remove(ackId) != null) {
                    f.completeExceptionally(new AckTimeoutException("no ack for '" + event + "' within " + timeout.toMillis() + " ms"));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (acks == null) acks = new HashMap<>(4);
            acks.put(ackId, new PendingAck(f, timer));
            client.engine.sendEncoded(enc.text(), enc.attachments());
        });
        return f;
    }

    @Override
    public void join(String room) {
        if (state == DISCONNECTED) return;
        ns.adapter().addAll(this, Set.of(room));
    }

    @Override
    public void leave(String room) {
        ns.adapter().del(this, room);
    }

    @Override
    public Set<String> rooms() { return ns.adapter().socketRooms(this); }

    @Override
    public BroadcastOperator to(String room) {
        return new BroadcastOperatorImpl(ns, Set.of(room), Set.of(id), false);
    }

    @Override
    public void disconnect(boolean closeTransport) {
        onLoop(() -> {
            if (closeTransport) client.disconnectAll();
            else disconnectFromServer();
        });
    }

    @Override
    public String toString() { return "Socket[" + ns.name() + " " + id + "]"; }

    /** The arguments of an event (the array after its name), as a read-only view: no copy per event. */
    private static final class EventArgs extends java.util.AbstractList<JsonNode> implements java.util.RandomAccess {
        private final ArrayNode array;

        EventArgs(ArrayNode array) { this.array = array; }

        @Override public JsonNode get(int i) {
            java.util.Objects.checkIndex(i, size());
            return array.get(i + 1);
        }

        @Override public int size() { return array.size() - 1; }
    }
}
