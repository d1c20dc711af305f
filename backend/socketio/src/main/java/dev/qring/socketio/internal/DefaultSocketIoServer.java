package dev.qring.socketio.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.qring.engineio.EngineIoOptions;
import dev.qring.engineio.EngineIoServer;
import dev.qring.engineio.EngineSocket;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.SocketIoOptions;
import dev.qring.socketio.SocketIoServer;
import dev.qring.socketio.SocketIoStats;
import io.netty.channel.ChannelHandler;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/** Socket.IO v5 over {@link EngineIoServer}: one {@link ClientConnection} per Engine.IO session. */
public final class DefaultSocketIoServer implements SocketIoServer {
    final SocketIoOptions options;
    final EngineIoServer engine;
    final ObjectMapper mapper;
    final PacketEncoder encoder;
    final ConcurrentHashMap<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final SocketIoStats stats;

    public DefaultSocketIoServer(SocketIoOptions options) {
        this(options, defaultMapper());
    }

    public DefaultSocketIoServer(SocketIoOptions options, ObjectMapper mapper) {
        this.options = options;
        this.mapper = mapper.copy().disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        this.encoder = new PacketEncoder(this.mapper);
        EngineIoOptions eo = new EngineIoOptions(options.path(), options.pingInterval(), options.pingTimeout(),
                options.maxPayload(), options.corsOrigins(), options.allowUpgrades(), options.allowPolling(),
                options.outboundQueueLimit(), EngineIoOptions.defaults().upgradeTimeout());
        this.engine = new EngineIoServer(eo, this::onConnection);
        var es = engine.stats();
        this.stats = new SocketIoStats() {
            public long openConnections() { return es.openConnections(); }
            public long connectionsTotal() { return es.connectionsTotal(); }
            public long slowClientDisconnects() { return es.slowClientDisconnects(); }
            public long protocolErrors() { return es.protocolErrors(); }
        };
    }

    /** Lenient on unknown properties (clients evolve), strict on everything else. */
    public static ObjectMapper defaultMapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .findAndAddModules()
                .build();
    }

    private void onConnection(EngineSocket socket) {
        ClientConnection c = new ClientConnection(this, socket);
        socket.setListener(c);
        c.startConnectTimer();
    }

    String newSocketId() {
        byte[] b = new byte[15];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public EngineIoServer engine() { return engine; }

    /** A connected socket of this server, or null. */
    public dev.qring.socketio.Socket socket(String namespace, String id) {
        NamespaceImpl ns = namespaces.get(namespace);
        return ns == null ? null : ns.sockets.get(id);
    }

    @Override
    public Namespace of(String name) {
        if (name == null || name.isEmpty()) name = "/";
        if (!name.startsWith("/")) name = "/" + name;
        return namespaces.computeIfAbsent(name, n -> new NamespaceImpl(this, n));
    }

    @Override
    public ChannelHandler httpHandler() { return engine.httpHandler(); }

    @Override
    public SocketIoStats stats() { return stats; }

    @Override
    public void close() {
        engine.close();
        for (NamespaceImpl ns : namespaces.values()) ns.adapter().close();
    }
}
