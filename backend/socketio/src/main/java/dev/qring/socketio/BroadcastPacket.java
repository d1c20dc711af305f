package dev.qring.socketio;

import java.util.List;

/** An event encoded once for many recipients. Valid only during {@link Adapter#broadcast}. */
public interface BroadcastPacket {
    String namespace();

    String event();

    /** The arguments as given to emit (for adapters that re-publish them). */
    List<Object> args();

    /** Queues the encoded packet on a local socket of this namespace (no-op if it is not connected). Thread-safe. */
    void deliverTo(Socket socket);
}
