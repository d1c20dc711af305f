package dev.qring.socketio;

import java.util.Set;

/**
 * Owns room membership and broadcasts for one namespace. Every broadcast, join/leave and namespace-wide emit goes
 * through it, so a cluster adapter (Redis pub/sub) or connection-state recovery can be plugged in through
 * {@link SocketIoOptions#adapterFactory()} without touching handlers.
 *
 * <h2>Guarantees (of {@link InMemoryAdapter}; other adapters must state theirs)</h2>
 * <ul>
 *   <li><b>At-most-once.</b> A packet is handed to each matching socket's bounded outbound queue once; there is no
 *       retry and no replay. A socket that disconnects, or whose queue overflows (slow client, then disconnected),
 *       misses it. Delivery to a socket is not confirmed: use acks where it matters.</li>
 *   <li><b>Order.</b> Broadcasts made by one thread reach every socket in the order they were made (per-socket FIFO),
 *       so one room's members see one sender's packets in the same order. Broadcasts from different threads
 *       are not ordered relative to each other.</li>
 *   <li><b>Atomicity.</b> Each join/leave of one socket to one room is atomic. A broadcast iterates live membership:
 *       a socket joining or leaving during a broadcast may or may not receive it, but never receives it twice,
 *       and a socket in several targeted rooms receives it once.</li>
 *   <li><b>Encoding once.</b> A broadcast packet is encoded once; {@link BroadcastPacket#deliverTo} shares the
 *       encoded bytes between recipients.</li>
 *   <li><b>Thread-safety.</b> All methods may be called from any thread.</li>
 * </ul>
 *
 * <h2>Plugging in a cluster adapter or recovery</h2>
 * A Redis adapter implements {@link #broadcast} as: deliver locally (as here) and, unless {@link BroadcastOptions#local()},
 * publish {@link BroadcastPacket#namespace()}, {@link BroadcastPacket#event()}, {@link BroadcastPacket#args()} and the
 * options to the other servers, which deliver to their local sockets. Connection-state recovery wraps
 * {@link #broadcast} to give each packet an offset and keep it for a while, and uses {@link #persistSession} to keep
 * a disconnected socket's rooms; the server then restores them on reconnection. Handlers never see the difference.
 */
public interface Adapter {

    /** Adds the socket to the rooms (idempotent). */
    void addAll(Socket socket, Set<String> rooms);

    /** Removes the socket from one room (no-op when not a member). */
    void del(Socket socket, String room);

    /** Removes the socket from every room (when it leaves the namespace). */
    void delAll(Socket socket);

    /** The rooms of a socket of this server (a snapshot; empty when unknown). */
    Set<String> socketRooms(Socket socket);

    /**
     * Local sockets matching the options: members of any of {@code rooms} (every socket of the namespace when
     * {@code rooms} is empty), minus members of any of {@code except}. A snapshot.
     */
    Set<Socket> sockets(BroadcastOptions options);

    /**
     * Delivers the packet to every socket matching the options (see {@link #sockets}), through
     * {@link BroadcastPacket#deliverTo}. The packet is only valid during the call: copy what must outlive it.
     */
    void broadcast(BroadcastPacket packet, BroadcastOptions options);

    /** A socket left abnormally (transport close, ping timeout...): a recovery-capable adapter may keep its state. */
    default void persistSession(Socket socket, String reason) { }

    /** Releases resources (subscriptions, timers) when the server closes. */
    default void close() { }
}
