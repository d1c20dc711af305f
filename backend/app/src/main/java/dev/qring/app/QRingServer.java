package dev.qring.app;

import dev.qring.app.api.ApiRoutes;
import dev.qring.app.cluster.RedisAdapter;
import dev.qring.app.cluster.RedisBus;
import dev.qring.app.http.Json;
import dev.qring.app.api.HealthRoutes;
import dev.qring.app.config.AppConfig;
import dev.qring.app.http.ApiException;
import dev.qring.app.http.HttpRouter;
import dev.qring.app.http.StaticFiles;
import dev.qring.app.metrics.AppMetrics;
import dev.qring.app.realtime.Realtime;
import dev.qring.app.realtime.RealtimeAuth;
import dev.qring.app.realtime.RealtimeEvents;
import dev.qring.app.realtime.LocalPresence;
import dev.qring.app.realtime.Presence;
import dev.qring.app.cluster.RedisPresence;
import dev.qring.app.realtime.SessionHandlers;
import dev.qring.app.realtime.SignalingContext;
import dev.qring.domain.DomainException;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.account.AccountService;
import dev.qring.domain.chat.ChatService;
import dev.qring.domain.db.Database;
import dev.qring.domain.db.DatabaseSettings;
import dev.qring.domain.door.DoorService;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.domain.visitor.VisitorSessionService;
import dev.qring.engineio.NettyHttpServer;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.SocketIoOptions;
import dev.qring.socketio.SocketIoServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole QRing server in one object: database + domain services + Socket.IO (two namespaces) + HTTP routes on
 * one port. {@link Main} runs it; tests start it in-process on a free port ({@link #start(AppConfig)} with port 0).
 * {@link #close()} stops everything in reverse order.
 */
public final class QRingServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QRingServer.class);

    public static final String SIGNALING = "/realtime/signaling";
    public static final String DASHBOARD = "/realtime/dashboard";
    /** Largest Socket.IO packet (chat ≤ 2000 chars, SDP offers ~10 KB; generous for ICE-restart SDPs). */
    static final int SOCKET_MAX_PAYLOAD = 256 * 1024;
    /** Redis channel (suffix) carrying revoked homeowner token ids between instances. */
    static final String REVOKE_CHANNEL = "#revoked-tokens";

    private final AppConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Database database;
    private AccountService accounts;
    private DoorService doors;
    private VisitorSessionService sessions;
    private ChatService chat;
    private SocketIoServer io;
    private NettyHttpServer http;
    private AppMetrics metrics;
    private ExecutorService blocking;

    private QRingServer(AppConfig config) {
        this.config = config;
    }

    public static QRingServer start(AppConfig config) {
        QRingServer s = new QRingServer(config);
        try {
            s.startAll();
            return s;
        } catch (Exception e) {   // Netty rethrows bind failures (checked) unchecked: catch everything
            s.close();
            if (e instanceof java.net.BindException) {
                throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.httpPort()
                        + " (" + e.getMessage() + "); set QRING_HTTP_PORT to a free port", e);
            }
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void startAll() {
        blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("qring-app-", 0).factory());
        closeables.add(blocking::close);
        metrics = new AppMetrics();

        SocketIoOptions ioOptions = SocketIoOptions.defaults().withMaxPayload(SOCKET_MAX_PAYLOAD);
        RedisBus bus = null;
        if (config.redisUrl() != null) {
            // several instances: broadcasts fan out through Redis pub/sub (rooms stay per instance)
            RedisBus b = new RedisBus(config.redisUrl());
            bus = b;
            closeables.add(b);
            ioOptions = ioOptions.withAdapterFactory(ns -> new RedisAdapter(ns, b, Json.MAPPER));
            metrics.bindCluster(b);
        }
        // The app's mapper, so times in events and acks are ISO-8601 strings like in the HTTP API (product.md).
        io = SocketIoServer.create(ioOptions, Json.MAPPER);
        closeables.add(io);
        metrics.bindSocketIo(io.stats());
        Namespace signaling = io.of(SIGNALING);
        Namespace dashboard = io.of(DASHBOARD);
        Realtime realtime = new Realtime(signaling, dashboard);
        SignalingContext ctx = new SignalingContext(realtime, metrics, blocking);

        database = Database.open(new DatabaseSettings(config.databaseUrl(), config.dataDir(), 0, null));
        closeables.add(database);
        DomainSettings.Limits d = DomainSettings.Limits.DEFAULTS;
        DomainSettings settings = new DomainSettings(new DatabaseSettings(config.databaseUrl(), config.dataDir(), 0, null),
                config.publicUrl(), config.ringTimeout(), config.visitorTokenTtl(), config.chatSaveTimeout(), Clock.systemUTC(),
                new DomainSettings.Limits(d.loginAttempts(), d.loginWindow(), d.ringsPerDoor(), d.ringsPerDoorWindow(),
                        d.ringsPerAddress(), d.ringsPerAddressWindow(), config.homeownerTokenTtl()));
        RealtimeEvents events = new RealtimeEvents(realtime, metrics);
        accounts = new AccountService(database, settings);
        sessions = new VisitorSessionService(database, settings, events);
        closeables.add(sessions);
        doors = new DoorService(database, settings, sessions);
        chat = new ChatService(database, settings, events);
        closeables.add(chat);
        IceServerIssuer ice = new IceServerIssuer(config.turn(), Clock.systemUTC());

        RealtimeAuth auth = new RealtimeAuth(accounts::authenticateWithExpiry, sessions::authenticateVisitorWithExpiry);
        closeables.add(auth);
        if (bus != null) {
            // logout disconnects the token's sockets on every instance
            bus.subscribe(REVOKE_CHANNEL, auth::revokedElsewhere);
            RedisBus b = bus;
            auth.clusterRevoke(tokenId -> b.publish(REVOKE_CHANNEL, tokenId));
        }
        auth.install(signaling, false, ctx);
        auth.install(dashboard, true, ctx);
        ctx.answerInvalidPayloads(signaling);
        ctx.answerInvalidPayloads(dashboard);
        Presence presence = new LocalPresence();
        if (bus != null) {
            RedisPresence shared = new RedisPresence(config.redisUrl(), bus.nodeId());
            closeables.add(shared);
            presence = shared;
        }
        new SessionHandlers(ctx, sessions, chat, presence).register(signaling);
        if (bus != null) bus.start(java.time.Duration.ofSeconds(3));
        CallsWiring.register(this, signaling, ctx, realtime, ice, settings, events);

        HttpRouter router = new HttpRouter(blocking, config.maxApiBodyBytes())
                .errorMapper(QRingServer::mapError)
                .observer(metrics::httpRequest);
        new ApiRoutes(accounts, doors, sessions, chat, ice, ctx::activeCall, auth::revokeHomeownerToken,
                config.trustedProxies()).register(router);
        HealthRoutes.register(router, database::checkHealth, config.redisUrl(), () -> config.turn().turnEnabled(), metrics);
        StaticFiles web = new StaticFiles("static");
        router.fallback(web);
        if (!web.hasIndex()) log.warn("the web app (static/index.html) is not on the classpath: only the API is served");

        sessions.start();
        http = NettyHttpServer.start(new InetSocketAddress(config.bindAddress(), config.httpPort()),
                Math.max(SOCKET_MAX_PAYLOAD, config.maxApiBodyBytes()) + 4096, io.httpHandler(), router);
        log.info("QRing listening on port {} ({})", http.port(), config.describe());
    }

    static ApiException mapError(Throwable t) {
        DomainException d = DomainException.of(t);
        if (d.code() == dev.qring.domain.ErrorCode.UNAVAILABLE && !(unwrap(t) instanceof DomainException)) {
            LoggerFactory.getLogger(QRingServer.class).error("request failed", unwrap(t));
        }
        return new ApiException(ApiException.statusOf(d.code().wire()), d.code().wire(), d.getMessage());
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) c = c.getCause();
        return c;
    }

    /** Registers something to close with the server (in reverse order of registration). */
    void closeWithServer(AutoCloseable c) { closeables.add(c); }

    public int port() { return http.port(); }
    public AppConfig config() { return config; }
    public Database database() { return database; }
    public AppMetrics metrics() { return metrics; }

    @Override
    public void close() {
        if (http != null) {
            try { http.close(); } catch (RuntimeException e) { log.warn("closing http", e); }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("closing {}", closeables.get(i), e);
            }
        }
        closeables.clear();
    }
}
