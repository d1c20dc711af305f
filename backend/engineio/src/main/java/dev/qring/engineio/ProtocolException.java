package dev.qring.engineio;

/**
 * Malformed or oversized protocol input (Engine.IO or Socket.IO). The only exception the packet decoders throw
 * for bad input; the connection that sent it is closed and counted as a protocol error.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false); // no stack trace: thrown on hostile input, must be cheap
    }
}
