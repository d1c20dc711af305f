package dev.qring.socketio;

/**
 * The acknowledgement callback of a client event. Thread-safe; the first {@link #send} wins, later ones are ignored.
 * When the client did not ask for an ack, {@link #expected()} is false and {@code send} does nothing.
 */
public interface Ack {
    void send(Object... args);

    boolean expected();
}
