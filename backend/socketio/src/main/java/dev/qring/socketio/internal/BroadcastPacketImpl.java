package dev.qring.socketio.internal;

import dev.qring.socketio.BroadcastPacket;
import dev.qring.socketio.Socket;
import java.util.Arrays;
import java.util.List;

final class BroadcastPacketImpl implements BroadcastPacket {
    private final NamespaceImpl ns;
    private final String event;
    private final Object[] args;
    private final PacketEncoder.Encoded encoded;
    private volatile boolean released;

    BroadcastPacketImpl(NamespaceImpl ns, String event, Object[] args, PacketEncoder.Encoded encoded) {
        this.ns = ns;
        this.event = event;
        this.args = args;
        this.encoded = encoded;
    }

    @Override public String namespace() { return ns.name(); }
    @Override public String event() { return event; }
    @Override public List<Object> args() { return args == null ? List.of() : Arrays.asList(args); }

    @Override
    public void deliverTo(Socket socket) {
        if (released) throw new IllegalStateException("broadcast packet used after Adapter.broadcast returned");
        if (socket instanceof SocketImpl s && s.connected() && s.namespace() == ns) {
            s.client.engine.sendEncoded(encoded.text().retainedDuplicate(), encoded.attachments());
        }
    }

    void release() {
        released = true;
        encoded.text().release();
    }
}
