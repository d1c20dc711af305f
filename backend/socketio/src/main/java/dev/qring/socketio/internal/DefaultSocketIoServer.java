package dev.qring.socketio.internal;

import dev.qring.socketio.Namespace;
import dev.qring.socketio.SocketIoOptions;
import dev.qring.socketio.SocketIoServer;
import dev.qring.socketio.SocketIoStats;
import io.netty.channel.ChannelHandler;

/** Placeholder: the Engine.IO/Socket.IO implementation lands here. */
public final class DefaultSocketIoServer implements SocketIoServer {
    public DefaultSocketIoServer(SocketIoOptions options) { throw new UnsupportedOperationException("not implemented yet"); }
    @Override public Namespace of(String name) { throw new UnsupportedOperationException(); }
    @Override public ChannelHandler httpHandler() { throw new UnsupportedOperationException(); }
    @Override public SocketIoStats stats() { throw new UnsupportedOperationException(); }
    @Override public void close() { }
}
