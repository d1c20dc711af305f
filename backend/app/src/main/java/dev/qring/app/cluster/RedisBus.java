package dev.qring.app.cluster;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Redis pub/sub for the cluster adapter: one channel per namespace ({@code qring:sio:<namespace>}).
 *
 * <p>Publishing never blocks the caller (it may be a Netty event loop): messages go through a bounded queue to ONE
 * publisher thread on ONE connection, so broadcasts from one thread are published — and therefore received by
 * every other instance — in the order they were made. While Redis is unreachable the queue fills and further
 * messages are dropped and counted ({@link #dropped()}): remote delivery is at-most-once, like local delivery.
 * Clients recover what they missed from the database (session.join with afterSeq), which is why chat survives this.
 *
 * <p>The subscriber runs on its own thread and reconnects with a short backoff.
 */
public final class RedisBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
    static final String PREFIX = "qring:sio:";

    private record Outgoing(String channel, String message) { }

    private final URI uri;
    private final String nodeId = UUID.randomUUID().toString();
    private final BlockingQueue<Outgoing> outbox = new ArrayBlockingQueue<>(100_000);
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean closed;
    private volatile JedisPubSub subscription;
    private Thread publisher;
    private Thread subscriber;

    public RedisBus(String url) {
        this.uri = URI.create(url);
    }

    /**
     * Starts publishing and subscribes to every channel registered so far (call after the namespaces exist);
     * waits up to {@code wait} for the subscription so the first broadcasts are not missed.
     */
    public void start(java.time.Duration wait) {
        publisher = Thread.ofPlatform().daemon().name("qring-redis-pub").start(this::publishLoop);
        subscriber = Thread.ofPlatform().daemon().name("qring-redis-sub").start(this::subscribeLoop);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JedisPubSub s = subscription;
            if (s != null && s.isSubscribed()) return;
            sleep(20);
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
        JedisPubSub s = subscription;
        if (s != null && s.isSubscribed()) s.subscribe(PREFIX + namespace);
    }

    /** Queues a message for the other instances; never blocks. */
    public void publish(String namespace, String message) {
        if (!outbox.offer(new Outgoing(PREFIX + namespace, message))) dropped.incrementAndGet();
    }

    private void publishLoop() {
        while (!closed) {
            try (Jedis jedis = new Jedis(uri)) {
                while (!closed) {
                    Outgoing o = outbox.poll(200, TimeUnit.MILLISECONDS);
                    if (o == null) continue;
                    jedis.publish(o.channel, o.message);
                    published.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("redis publish failed ({}); retrying", e.toString());
                // what is queued stays queued; the one being sent is lost (at-most-once)
                dropped.incrementAndGet();
                sleep(500);
            }
        }
    }

    private void subscribeLoop() {
        while (!closed) {
            try (Jedis jedis = new Jedis(uri)) {
                JedisPubSub s = new JedisPubSub() {
                    @Override
                    public void onMessage(String channel, String message) {
                        Consumer<String> h = handlers.get(channel);
                        if (h == null) return;
                        received.incrementAndGet();
                        try {
                            h.accept(message);
                        } catch (RuntimeException e) {
                            log.warn("redis message on {} failed: {}", channel, e.toString());
                        }
                    }
                };
                subscription = s;
                String[] channels = handlers.keySet().toArray(String[]::new);
                if (channels.length == 0) channels = new String[]{PREFIX + "_"};
                jedis.subscribe(s, channels);   // blocks until unsubscribed or the connection breaks
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("redis subscription lost ({}); reconnecting", e.toString());
                sleep(500);
            }
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
        closed = true;
        JedisPubSub s = subscription;
        try {
            if (s != null && s.isSubscribed()) s.unsubscribe();
        } catch (RuntimeException ignored) {
            // connection already gone
        }
        if (publisher != null) publisher.interrupt();
        if (subscriber != null) subscriber.interrupt();
    }
}
