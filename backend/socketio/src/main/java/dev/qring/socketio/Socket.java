package dev.qring.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;

/**
 * One client connected to one namespace. Thread-safe: emits may come from any thread; they are queued on the
 * connection's bounded outbound queue (a client that does not read is disconnected when it overflows).
 *
 * <p>Arguments passed to {@code emit} are serialized with Jackson; {@code byte[]} and {@code ByteBuffer} values
 * (also nested in maps, lists and records) travel as binary attachments (BINARY_EVENT). Incoming binary
 * attachments appear as {@link com.fasterxml.jackson.databind.node.BinaryNode} in the argument tree.
 */
public interface Socket {
    /** Socket.IO socket id (per namespace, not the Engine.IO session id). */
    String id();

    Namespace namespace();

    Handshake handshake();

    /** Per-socket data for the application (identity after authentication, etc.). */
    ConcurrentMap<String, Object> data();

    /** Sends an event to this socket only. */
    void emit(String event, Object... args);

    /** Sends an event and waits for the client's ack; completes exceptionally with {@link AckTimeoutException}. */
    CompletableFuture<List<JsonNode>> emitWithAck(String event, Duration timeout, Object... args);

    /** Room membership goes through the adapter. Every socket is in the room named by its own id. */
    void join(String room);

    void leave(String room);

    Set<String> rooms();

    /** Broadcast to {@code room}, excluding this socket. */
    BroadcastOperator to(String room);

    /** Server-side disconnect from this namespace; {@code closeTransport} also closes the underlying connection. */
    void disconnect(boolean closeTransport);

    boolean connected();
}
