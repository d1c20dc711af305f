package dev.qring.socketio.internal;

import dev.qring.socketio.Ack;
import java.util.concurrent.atomic.AtomicBoolean;

/** Answers one client event that asked for an acknowledgement; the first send wins. */
final class AckImpl extends AtomicBoolean implements Ack {
    static final Ack NONE = new Ack() {
        @Override public void send(Object... args) { }
        @Override public boolean expected() { return false; }
    };

    private final SocketImpl socket;
    private final long id;

    AckImpl(SocketImpl socket, long id) {
        this.socket = socket;
        this.id = id;
    }

    @Override
    public void send(Object... args) {
        if (compareAndSet(false, true)) socket.sendAck(id, args);
    }

    @Override
    public boolean expected() { return true; }
}
