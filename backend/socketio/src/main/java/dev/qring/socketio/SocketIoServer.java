package dev.qring.socketio;

import io.netty.channel.ChannelHandler;

/**
 * A Socket.IO v5 server over Engine.IO v4. Typical use:
 * <pre>{@code
 * SocketIoServer io = SocketIoServer.create(SocketIoOptions.defaults());
 * Namespace chat = io.of("/chat");
 * chat.use((socket, next) -> next.accept());
 * chat.on("say", Say.class, (socket, say, ack, args) -> { socket.to("room").emit("said", say); ack.send(Map.of("ok", true)); });
 * NettyHttpServer http = NettyHttpServer.start(new InetSocketAddress(8080), 1 << 20, io.httpHandler(), myRoutes);
 * }</pre>
 * Namespaces that were never created with {@link #of} are refused with CONNECT_ERROR "Invalid namespace".
 */
public interface SocketIoServer extends AutoCloseable {

    static SocketIoServer create(SocketIoOptions options) {
        return new dev.qring.socketio.internal.DefaultSocketIoServer(options);
    }

    /** Same, with the application's Jackson mapper for payload binding and emit serialization. */
    static SocketIoServer create(SocketIoOptions options, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        return new dev.qring.socketio.internal.DefaultSocketIoServer(options, mapper);
    }

    /** Creates the namespace on first use. */
    Namespace of(String name);

    /**
     * The Netty handler serving {@link SocketIoOptions#path()} (both transports). Sharable; place it after
     * {@code HttpServerCodec} and {@code HttpObjectAggregator}. Requests for other paths are passed on untouched.
     */
    ChannelHandler httpHandler();

    /** Live counters (connections, overflow disconnects, ...), for metrics. */
    SocketIoStats stats();

    /** Disconnects every client and stops timers. */
    @Override
    void close();
}
