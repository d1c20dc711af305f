package dev.qring.domain.support;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets per key: {@code capacity} actions, refilled evenly over {@code window}. In memory, per JVM.
 *
 * <p>Memory is bounded and each call costs O(1) amortized:
 * <ul>
 *   <li><b>Sweep.</b> Keys whose bucket is full again are dropped (a full bucket is exactly what a new key gets, so
 *       dropping one changes no answer). The sweep runs inside a call, by one caller at a time, at most once per
 *       sweep interval ({@code min(window, 1 min)}) — or sooner when the cap is reached — and only once at least as
 *       many calls were made since the previous sweep as that sweep kept keys. A scan visits the kept keys plus
 *       the ones added since (at most one per call), so its cost is paid for by those calls.</li>
 *   <li><b>Hard cap.</b> At most {@code maxKeys} keys are tracked (default {@value #DEFAULT_MAX_KEYS}; concurrent
 *       callers may overshoot by a few). When the cap is reached (after the sweep had its chance), a key that is not
 *       yet tracked is answered from ONE shared overflow bucket with the same capacity and window. This is the
 *       conservative choice: limiting never switches off, so a caller cycling through fresh keys (emails,
 *       addresses) still gets at most {@code capacity} actions per window in total, while the cost is that
 *       unknown callers compete for that bucket until keys refill and are swept. Keys already tracked keep their
 *       own buckets.</li>
 * </ul>
 */
public final class RateLimiter {
    public static final int DEFAULT_MAX_KEYS = 50_000;
    /** Not a possible caller key (callers' keys never contain NUL). */
    static final String OVERFLOW_KEY = "\u0000overflow";

    private final int capacity;
    private final double refillPerMilli;
    private final Clock clock;
    private final int maxKeys;
    private final long sweepIntervalMillis;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong callsSinceSweep = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicLong sweeps = new AtomicLong();
    private volatile long lastSweepMillis;
    /** Keys the last sweep kept: the next sweep waits for at least as many calls (each scan is paid for by calls). */
    private volatile int keptAfterSweep;

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    public RateLimiter(int capacity, Duration window, Clock clock) {
        this(capacity, window, clock, DEFAULT_MAX_KEYS);
    }

    public RateLimiter(int capacity, Duration window, Clock clock, int maxKeys) {
        if (capacity <= 0 || window.isZero() || window.isNegative() || maxKeys <= 0) throw new IllegalArgumentException("bad rate limit");
        this.capacity = capacity;
        this.refillPerMilli = capacity / (double) Math.max(1, window.toMillis());
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.sweepIntervalMillis = Math.max(1, Math.min(window.toMillis(), Duration.ofMinutes(1).toMillis()));
        this.lastSweepMillis = clock.millis();
    }

    /** Takes one token for {@code key}; false when the caller is over the limit (nothing is taken then). */
    public boolean tryAcquire(String key) {
        long now = clock.millis();
        long calls = callsSinceSweep.incrementAndGet();
        int size = buckets.size();
        // A sweep scans (kept by the last sweep + added since) <= 2 x calls since: O(1) amortized per call.
        if (calls >= keptAfterSweep && (size >= maxKeys || now - lastSweepMillis >= sweepIntervalMillis)) sweep(now);
        String k = key;
        if (buckets.size() >= maxKeys && !buckets.containsKey(key)) k = OVERFLOW_KEY;
        boolean[] ok = new boolean[1];
        buckets.compute(k, (x, b) -> {
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

    /** How many keys are tracked now (for tests and diagnostics). */
    public int trackedKeys() { return buckets.size(); }

    /** How many sweeps ran so far (tests check the sweep stays rare). */
    long sweeps() { return sweeps.get(); }

    private void refill(Bucket b, long now) {
        long elapsed = Math.max(0, now - b.lastMillis);
        b.tokens = Math.min(capacity, b.tokens + elapsed * refillPerMilli);
        b.lastMillis = Math.max(b.lastMillis, now);
    }

    private boolean fullAt(Bucket b, long now) {
        return b.tokens + Math.max(0, now - b.lastMillis) * refillPerMilli >= capacity;
    }

    private void sweep(long now) {
        if (!sweeping.compareAndSet(false, true)) return;   // someone else is sweeping: go on without waiting
        try {
            callsSinceSweep.set(0);
            lastSweepMillis = now;
            sweeps.incrementAndGet();
            // computeIfPresent takes the same lock as tryAcquire's compute: no bucket is dropped mid-update
            for (String k : buckets.keySet()) buckets.computeIfPresent(k, (x, b) -> fullAt(b, now) ? null : b);
            keptAfterSweep = buckets.size();
        } finally {
            sweeping.set(false);
        }
    }
}
