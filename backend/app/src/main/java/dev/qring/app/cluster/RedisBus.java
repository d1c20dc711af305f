package dev.qring.app.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis pub/sub for the cluster adapter: one channel per namespace ({@code qring:sio:<namespace>}), over Lettuce.
 *
 * <p>Publishing never blocks the caller (it may be a Netty event loop): {@link #publish} hands the PUBLISH to ONE
 * Lettuce connection (async API), which writes commands in the order they were issued, so broadcasts from one thread
 * are published — and therefore received by every other instance — in the order they were made. The commands in
 * flight are bounded ({@value #MAX_IN_FLIGHT}); past that, and whenever Redis is unreachable (before the first
 * connection, or while reconnecting), messages are dropped and counted ({@link #dropped()}) instead of being buffered
 * and replayed: remote delivery is at-most-once, like local delivery (a PUBLISH in flight when the connection breaks
 * is counted as dropped, never re-sent). Clients recover what they missed from the database (session.join with
 * afterSeq), which is why chat survives this.
 *
 * <p>The subscriber is a separate pub/sub connection; its handlers run on Lettuce's I/O thread, in the order the
 * messages arrive, so they must not block (the app's handlers only queue socket writes). Both connections reconnect
 * by themselves with a short backoff (Lettuce re-subscribes the channels); the first connection is retried in the
 * background until Redis answers.
 */
public final class RedisBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
    static final String PREFIX = "qring:sio:";
    static final int MAX_IN_FLIGHT = 100_000;
    /** Connect and command timeout. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(500);

    private final String nodeId = UUID.randomUUID().toString();
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final RedisClient pubClient;
    private final RedisClient subClient;
    private volatile boolean closed;
    private volatile StatefulRedisConnection<String, String> pub;
    private volatile StatefulRedisPubSubConnection<String, String> sub;
    private Thread connector;

    public RedisBus(String url) {
        RedisURI uri = redisUri(url);
        // publisher: fail fast while disconnected (dropped and counted, never replayed after a reconnect)
        this.pubClient = newClient(uri, ClientOptions.DisconnectedBehavior.REJECT_COMMANDS, MAX_IN_FLIGHT);
        // subscriber: a SUBSCRIBE issued while disconnected is sent once reconnected
        this.subClient = newClient(uri, ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS, Integer.MAX_VALUE);
    }

    /**
     * Starts publishing and subscribes to every channel registered so far (call after the namespaces exist);
     * waits up to {@code wait} for the subscription so the first broadcasts are not missed.
     */
    public void start(Duration wait) {
        connector = Thread.ofPlatform().daemon().name("qring-redis-connect").start(this::connectLoop);
        try {
            if (subscribed.await(wait.toNanos(), TimeUnit.NANOSECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.warn("redis subscription not ready after {}; cross-instance broadcasts start once it is", wait);
    }

    /** Identifies this server instance in published messages (its own messages are ignored on receipt). */
    public String nodeId() { return nodeId; }

    public long dropped() { return dropped.get(); }
    public long published() { return published.get(); }
    public long received() { return received.get(); }

    /** Registers the receiver of one namespace's channel. Register before traffic starts. */
    public void subscribe(String namespace, Consumer<String> handler) {
        handlers.put(PREFIX + namespace, handler);
        StatefulRedisPubSubConnection<String, String> s = sub;
        if (s != null) s.async().subscribe(PREFIX + namespace);
    }

    /** Sends a message to the other instances; never blocks. */
    public void publish(String namespace, String message) {
        StatefulRedisConnection<String, String> c = pub;
        if (c == null) {
            dropped.incrementAndGet();   // not connected yet
            return;
        }
        try {
            c.async().publish(PREFIX + namespace, message).whenComplete((receivers, error) -> {
                if (error == null) published.incrementAndGet();
                else dropped.incrementAndGet();
            });
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
        }
    }

    /** Opens both connections, retrying until Redis answers; from then on Lettuce reconnects them itself. */
    private void connectLoop() {
        boolean warned = false;
        while (!closed) {
            try {
                if (sub == null) {
                    StatefulRedisPubSubConnection<String, String> s = subClient.connectPubSub(StringCodec.UTF8);
                    s.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) { deliver(channel, message); }

                        @Override
                        public void subscribed(String channel, long count) { subscribed.countDown(); }
                    });
                    sub = s;
                    // with subscribe(): every registered channel is subscribed by one of them (or both: harmless)
                    String[] channels = handlers.keySet().toArray(String[]::new);
                    if (channels.length > 0) s.async().subscribe(channels);
                    else subscribed.countDown();
                }
                if (pub == null) pub = pubClient.connect(StringCodec.UTF8);
                if (warned) log.info("redis reachable: cross-instance broadcasts start");
                return;
            } catch (RuntimeException e) {
                if (closed) return;
                if (!warned) log.warn("redis unreachable ({}); retrying every {} ms", e.toString(), RETRY.toMillis());
                warned = true;
                sleep(RETRY.toMillis());
            }
        }
    }

    private void deliver(String channel, String message) {
        Consumer<String> h = handlers.get(channel);
        if (h == null) return;
        received.incrementAndGet();
        try {
            h.accept(message);
        } catch (RuntimeException e) {
            log.warn("redis message on {} failed: {}", channel, e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (connector != null) connector.interrupt();
        // closes the connections too; their in-flight PUBLISHes fail (counted as dropped)
        shutdown(pubClient);
        shutdown(subClient);
    }

    // ---- Lettuce plumbing shared with RedisPresence: one set of I/O threads per process ----

    private static ClientResources resources;
    private static int clients;

    static RedisURI redisUri(String url) {
        RedisURI u = RedisURI.create(url);
        u.setTimeout(TIMEOUT);
        return u;
    }

    /**
     * A client on the shared {@link ClientResources}, reconnecting every {@link #RETRY} after a connection breaks.
     * {@code queue} bounds the commands waiting for an answer (and those buffered while disconnected).
     */
    static synchronized RedisClient newClient(RedisURI uri, ClientOptions.DisconnectedBehavior whileDisconnected, int queue) {
        if (clients++ == 0) resources = ClientResources.builder().reconnectDelay(Delay.constant(RETRY)).build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(whileDisconnected)
                .requestQueueSize(queue)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).keepAlive(true).build())
                .build());
        return client;
    }

    static void shutdown(RedisClient client) {
        try {
            client.shutdown(Duration.ZERO, TIMEOUT);
        } catch (RuntimeException e) {
            log.debug("redis client shutdown: {}", e.toString());
        }
        ClientResources last = null;
        synchronized (RedisBus.class) {
            if (--clients == 0) {
                last = resources;
                resources = null;
            }
        }
        if (last != null) last.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
