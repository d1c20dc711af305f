package dev.qring.socketio;

/** An emit to a set of rooms, minus exclusions. Immutable: each method returns a new operator. */
public interface BroadcastOperator {
    BroadcastOperator to(String room);

    BroadcastOperator except(String room);

    /** Only sockets of this server instance (skip the cluster fan-out). */
    BroadcastOperator local();

    void emit(String event, Object... args);
}
