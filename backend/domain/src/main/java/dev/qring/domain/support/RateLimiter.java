package dev.qring.domain.support;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key: {@code capacity} actions, refilled evenly over {@code window}. In memory, per JVM. Idle
 * keys are dropped once their bucket is full again, so the map stays as small as the set of active callers.
 */
public final class RateLimiter {
    private final int capacity;
    private final double refillPerMilli;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    public RateLimiter(int capacity, Duration window, Clock clock) {
        if (capacity <= 0 || window.isZero() || window.isNegative()) throw new IllegalArgumentException("bad rate limit");
        this.capacity = capacity;
        this.refillPerMilli = capacity / (double) window.toMillis();
        this.clock = clock;
    }

    /** Takes one token for {@code key}; false when the caller is over the limit (nothing is taken then). */
    public boolean tryAcquire(String key) {
        long now = clock.millis();
        if (buckets.size() > 10_000) prune(now);
        boolean[] ok = new boolean[1];
        buckets.compute(key, (k, b) -> {
            if (b == null) {
                b = new Bucket();
                b.tokens = capacity;
                b.lastMillis = now;
            }
            refill(b, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                ok[0] = true;
            }
            return b;
        });
        return ok[0];
    }

    private void refill(Bucket b, long now) {
        long elapsed = Math.max(0, now - b.lastMillis);
        b.tokens = Math.min(capacity, b.tokens + elapsed * refillPerMilli);
        b.lastMillis = now;
    }

    private void prune(long now) {
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                Bucket b = e.getValue();
                return b.tokens + Math.max(0, now - b.lastMillis) * refillPerMilli >= capacity;
            }
        });
    }
}
