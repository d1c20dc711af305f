package dev.qring.engineio;

import java.util.concurrent.atomic.LongAdder;

/** Live counters of one Engine.IO server. Cheap to read; written from event loops. */
public final class EngineIoStats {
    final LongAdder open = new LongAdder();
    final LongAdder total = new LongAdder();
    final LongAdder slowClients = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();

    /** Sessions currently open. */
    public long openConnections() { return open.sum(); }

    /** Sessions opened since start. */
    public long connectionsTotal() { return total.sum(); }

    /** Sessions closed because their outbound queue overflowed. */
    public long slowClientDisconnects() { return slowClients.sum(); }

    /** Sessions closed for malformed or oversized input (Engine.IO or the protocol above it). */
    public long protocolErrors() { return protocolErrors.sum(); }
}
