package dev.qring.socketio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.qring.socketio.Ack;
import dev.qring.socketio.Adapter;
import dev.qring.socketio.BroadcastOperator;
import dev.qring.socketio.BroadcastOptions;
import dev.qring.socketio.InMemoryAdapter;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class NamespaceImpl implements Namespace {
    private static final Logger log = LoggerFactory.getLogger(NamespaceImpl.class);

    private record Registered<T>(Class<T> type, EventHandler<T> handler) { }

    final DefaultSocketIoServer server;
    private final String name;
    private final Adapter adapter;
    final ConcurrentHashMap<String, SocketImpl> sockets = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<ConnectMiddleware> middlewares = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<DisconnectHandler> disconnectHandlers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Registered<?>> events = new ConcurrentHashMap<>();
    private volatile InvalidPayloadHandler invalidPayload = (socket, event, problem, ack) -> {
        log.debug("{}: event '{}' from {}: {}", socket.namespace().name(), event, socket.id(), problem);
        ack.send();
    };

    NamespaceImpl(DefaultSocketIoServer server, String name) {
        this.server = server;
        this.name = name;
        var f = server.options.adapterFactory();
        this.adapter = f == null ? new InMemoryAdapter(this) : f.apply(this);
    }

    @Override public String name() { return name; }
    @Override public void use(ConnectMiddleware middleware) { middlewares.add(middleware); }
    @Override public void onConnection(Consumer<Socket> handler) { connectionHandlers.add(handler); }
    @Override public <T> void on(String event, Class<T> payloadType, EventHandler<T> handler) { events.put(event, new Registered<>(payloadType, handler)); }
    @Override public void onInvalidPayload(InvalidPayloadHandler handler) { invalidPayload = handler; }
    @Override public void onDisconnect(DisconnectHandler handler) { disconnectHandlers.add(handler); }
    @Override public Adapter adapter() { return adapter; }

    @Override
    public void emit(String event, Object... args) {
        new BroadcastOperatorImpl(this, Set.of(), Set.of(), false).emit(event, args);
    }

    @Override
    public BroadcastOperator to(String room) {
        return new BroadcastOperatorImpl(this, Set.of(room), Set.of(), false);
    }

    /** Runs middlewares one after another (each may complete later, from any thread), then admits or refuses. */
    void runMiddlewares(SocketImpl s) {
        runMiddleware(s, 0);
    }

    private void runMiddleware(SocketImpl s, int index) {
        if (!s.isConnecting()) return;
        if (index >= middlewares.size()) {
            s.admit();
            return;
        }
        ConnectMiddleware mw = middlewares.get(index);
        AtomicBoolean decided = new AtomicBoolean();
        ConnectDecision decision = new ConnectDecision() {
            @Override public void accept() {
                if (decided.compareAndSet(false, true)) s.onLoop(() -> runMiddleware(s, index + 1));
            }
            @Override public void refuse(String message, Object data) {
                if (decided.compareAndSet(false, true)) s.onLoop(() -> s.refuse(message, data));
            }
        };
        try {
            mw.handle(s, decision);
        } catch (RuntimeException e) {
            log.warn("{}: connect middleware failed", name, e);
            decision.refuse("Internal server error", null);
        }
    }

    void fireConnection(SocketImpl s) {
        for (Consumer<Socket> h : connectionHandlers) {
            try {
                h.accept(s);
            } catch (RuntimeException e) {
                log.warn("{}: connection handler failed", name, e);
            }
        }
    }

    void fireDisconnect(SocketImpl s, String reason) {
        for (DisconnectHandler h : disconnectHandlers) {
            try {
                h.handle(s, reason);
            } catch (RuntimeException e) {
                log.warn("{}: disconnect handler failed", name, e);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void dispatchEvent(SocketImpl s, String event, List<JsonNode> args, Ack ack) {
        Registered reg = events.get(event);
        try {
            if (reg == null) {
                invalidPayload.handle(s, event, "no handler for this event", ack);
                return;
            }
            Object payload;
            JsonNode first = args.isEmpty() ? null : args.getFirst();
            if (reg.type() == JsonNode.class) {
                payload = first == null ? NullNode.getInstance() : first;
            } else if (first == null || first.isNull()) {
                payload = null;
            } else {
                try {
                    payload = server.mapper.treeToValue(first, reg.type());
                } catch (Exception e) {
                    invalidPayload.handle(s, event, "invalid payload: " + e.getMessage(), ack);
                    return;
                }
            }
            reg.handler().handle(s, payload, ack, args);
        } catch (RuntimeException e) {
            log.warn("{}: handler of '{}' failed", name, event, e);
        }
    }

    /** Sends one packet to the matching sockets, encoded once. */
    void broadcast(String event, Object[] args, BroadcastOptions opts) {
        PacketEncoder.Encoded enc = server.encoder.encodeArgs(Packet.EVENT, name, -1, event, args);
        BroadcastPacketImpl p = new BroadcastPacketImpl(this, event, args, enc);
        try {
            adapter.broadcast(p, opts);
        } finally {
            p.release();
        }
    }
}
