package dev.qring.app.cluster;

import dev.qring.app.realtime.LocalPresence;
import dev.qring.app.realtime.Presence;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence shared by every instance (QRING_REDIS_URL): one Redis hash per session,
 * {@code qring:presence:<sessionId>} → {@code <nodeId>|<socketId>} = role. Each instance keeps a liveness key
 * {@code qring:node:<nodeId>} (TTL 15 s, refreshed every 5 s); entries of an instance whose key expired (it crashed)
 * are ignored and removed lazily, so a dead instance's sockets drop out within ~15 s.
 *
 * <p>If Redis cannot be reached, it answers from this instance's own view ({@link LocalPresence}, kept in step), so
 * joins never fail because of presence: one Lettuce connection (blocking calls, from the app's virtual threads)
 * that fails fast while disconnected instead of queueing, times out after 2 s, and reconnects by itself; until the
 * first connection succeeds, it is retried at most once a second.
 */
public final class RedisPresence implements Presence, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
    private static final String SESSION = "qring:presence:";
    private static final String NODE = "qring:node:";
    private static final long NODE_TTL_SECONDS = 15;
    private static final long CONNECT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisClient client;
    private final String nodeId;
    private final Object connecting = new Object();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;
    private long lastAttempt;
    private final LocalPresence local = new LocalPresence();
    private final Map<String, Boolean> aliveCache = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("qring-presence-heartbeat").factory());

    public RedisPresence(String url, String nodeId) {
        this.client = RedisBus.newClient(RedisBus.redisUri(url), ClientOptions.DisconnectedBehavior.REJECT_COMMANDS, 10_000);
        this.nodeId = nodeId;
        heartbeat.scheduleAtFixedRate(this::beat, 0, 5, TimeUnit.SECONDS);
    }

    /** The shared connection, opened on first use (Redis may be down at start); throws while it cannot be. */
    private RedisCommands<String, String> redis() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) return c.sync();
        synchronized (connecting) {
            if (connection == null) {
                if (closed) throw new IllegalStateException("presence closed");
                long now = System.nanoTime();
                if (lastAttempt != 0 && now - lastAttempt < CONNECT_RETRY_NANOS) {
                    throw new IllegalStateException("redis not connected");
                }
                lastAttempt = now;
                connection = client.connect(StringCodec.UTF8);
            }
            return connection.sync();
        }
    }

    private void beat() {
        try {
            redis().setex(NODE + nodeId, NODE_TTL_SECONDS, "1");
            aliveCache.clear();
        } catch (RuntimeException e) {
            log.debug("presence heartbeat failed: {}", e.toString());
        }
    }

    @Override
    public List<Participant> join(UUID sessionId, String socketId, String role) {
        local.join(sessionId, socketId, role);
        try {
            redis().hset(SESSION + sessionId, nodeId + "|" + socketId, role);
            redis().expire(SESSION + sessionId, 24 * 3600);
            return participants(sessionId);
        } catch (RuntimeException e) {
            log.warn("presence unavailable in redis ({}); answering from this instance", e.toString());
            return local.participants(sessionId);
        }
    }

    @Override
    public List<Participant> leave(UUID sessionId, String socketId) {
        List<Participant> l = local.leave(sessionId, socketId);
        if (l == null) return null;
        try {
            redis().hdel(SESSION + sessionId, nodeId + "|" + socketId);
            return participants(sessionId);
        } catch (RuntimeException e) {
            return l;
        }
    }

    @Override
    public List<Participant> participants(UUID sessionId) {
        try {
            Map<String, String> all = redis().hgetall(SESSION + sessionId);
            List<String> roles = new ArrayList<>();
            for (var e : all.entrySet()) {
                String node = e.getKey().substring(0, Math.max(0, e.getKey().indexOf('|')));
                if (alive(node)) roles.add(e.getValue());
                else redis().hdel(SESSION + sessionId, e.getKey());   // its instance is gone
            }
            return Presence.count(roles);
        } catch (RuntimeException e) {
            return local.participants(sessionId);
        }
    }

    private boolean alive(String node) {
        if (node.equals(nodeId)) return true;
        return aliveCache.computeIfAbsent(node, n -> redis().exists(NODE + n) > 0);
    }

    @Override
    public void close() {
        synchronized (connecting) {
            if (closed) return;
            closed = true;
        }
        heartbeat.shutdownNow();
        try {
            StatefulRedisConnection<String, String> c = connection;
            if (c != null) c.sync().del(NODE + nodeId);
        } catch (RuntimeException ignored) {
            // best effort
        }
        RedisBus.shutdown(client);
    }
}
