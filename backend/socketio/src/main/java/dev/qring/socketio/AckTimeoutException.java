package dev.qring.socketio;

/** The client did not acknowledge a server emit within the timeout (or disconnected first). */
public final class AckTimeoutException extends RuntimeException {
    public AckTimeoutException(String message) {
        super(message, null, false, false);
    }
}
