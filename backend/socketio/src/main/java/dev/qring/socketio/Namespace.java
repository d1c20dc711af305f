package dev.qring.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Socket.IO namespace ("/", "/realtime/signaling", ...). Handlers are registered once per namespace
 * and apply to every socket that connects to it.
 *
 * <p>Threading: middleware, connection, event and disconnect handlers of one socket run one at a time,
 * in arrival order, on that socket's event loop. They must not block; hand blocking work (JDBC, hashing)
 * to a virtual thread and answer through {@link Ack} / {@link Socket#emit} when done (both are thread-safe).
 */
public interface Namespace {
    String name();

    /**
     * Runs before a socket is admitted. Call {@code next.accept()} to admit, or {@code next.refuse(message, data)}
     * to answer CONNECT_ERROR {message, data}. May complete later, from any thread. A connection whose middleware
     * never completes is closed by the connect timeout.
     */
    void use(ConnectMiddleware middleware);

    /** Runs once a socket is admitted (CONNECT answered). */
    void onConnection(java.util.function.Consumer<Socket> handler);

    /**
     * Registers the handler of one event. The first event argument is bound to {@code payloadType} with Jackson
     * ({@code JsonNode.class} takes it raw). When it cannot be bound, the {@link #onInvalidPayload} handler runs instead.
     */
    <T> void on(String event, Class<T> payloadType, EventHandler<T> handler);

    /** Called when an event's payload fails to bind, or an event has no handler. Default: ack with nothing, log at debug. */
    void onInvalidPayload(InvalidPayloadHandler handler);

    /** Called after a socket left, with the Socket.IO reason ("client namespace disconnect", "ping timeout", ...). */
    void onDisconnect(DisconnectHandler handler);

    /** Emits to every socket of this namespace (through the adapter: all server instances). */
    void emit(String event, Object... args);

    /** Starts a broadcast to the sockets in {@code room} (through the adapter). */
    BroadcastOperator to(String room);

    /** The adapter that owns this namespace's rooms and broadcasts. */
    Adapter adapter();

    @FunctionalInterface
    interface ConnectMiddleware {
        void handle(Socket socket, ConnectDecision next);
    }

    /** Exactly one of the methods takes effect; later calls are ignored. */
    interface ConnectDecision {
        void accept();
        /** CONNECT_ERROR with {@code {message, data}}; data may be null. */
        void refuse(String message, Object data);
    }

    @FunctionalInterface
    interface EventHandler<T> {
        /** {@code args} holds every event argument (payload included) for handlers that need more than the first. */
        void handle(Socket socket, T payload, Ack ack, java.util.List<JsonNode> args);
    }

    @FunctionalInterface
    interface InvalidPayloadHandler {
        void handle(Socket socket, String event, String problem, Ack ack);
    }

    @FunctionalInterface
    interface DisconnectHandler {
        void handle(Socket socket, String reason);
    }
}
