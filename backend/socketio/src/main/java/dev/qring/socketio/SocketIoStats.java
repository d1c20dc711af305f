package dev.qring.socketio;

/** Point-in-time counters of one server; cheap to read (for Micrometer gauges / function counters). */
public interface SocketIoStats {
    /** Engine.IO connections currently open. */
    long openConnections();

    /** Connections opened since start. */
    long connectionsTotal();

    /** Connections closed because their outbound queue overflowed (slow readers). */
    long slowClientDisconnects();

    /** Connections closed for malformed or oversized input. */
    long protocolErrors();
}
