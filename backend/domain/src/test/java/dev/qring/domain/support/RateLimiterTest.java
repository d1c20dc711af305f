package dev.qring.domain.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** A clock that moves only when told. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);

        void advance(Duration d) { millis.addAndGet(d.toMillis()); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
        @Override public long millis() { return millis.get(); }
    }

    @Test
    void capacityPerKeyRefillsEvenlyOverTheWindow() {
        ManualClock clock = new ManualClock();
        RateLimiter l = new RateLimiter(3, Duration.ofMinutes(3), clock);
        for (int i = 0; i < 3; i++) assertThat(l.tryAcquire("a")).isTrue();
        assertThat(l.tryAcquire("a")).isFalse();
        assertThat(l.tryAcquire("b")).as("other keys have their own bucket").isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(l.tryAcquire("a")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(l.tryAcquire("a")).as("one token per minute").isTrue();
        assertThat(l.tryAcquire("a")).isFalse();
    }

    @Test
    void keysThatChangeAllTheTimeDoNotGrowTheMap() {
        ManualClock clock = new ManualClock();
        RateLimiter l = new RateLimiter(5, Duration.ofSeconds(10), clock);
        int maxSeen = 0;
        // 200 rounds of 500 fresh keys, one second apart: every key is full again 2 s after its single use
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 500; i++) assertThat(l.tryAcquire("k-" + round + "-" + i)).isTrue();
            maxSeen = Math.max(maxSeen, l.trackedKeys());
            clock.advance(Duration.ofSeconds(1));
        }
        // with the old "prune only above 10k keys" this reached 10,000+; now idle, refilled keys go at each sweep
        assertThat(maxSeen).isLessThanOrEqualTo(20 * 500);
        clock.advance(Duration.ofSeconds(11));
        l.tryAcquire("last");
        assertThat(l.trackedKeys()).isEqualTo(1);
    }

    @Test
    void sweepsAreRareSoEachCallIsConstantTimeAmortized() {
        ManualClock clock = new ManualClock();
        RateLimiter l = new RateLimiter(5, Duration.ofMinutes(1), clock);
        // many calls at one instant: no time-based sweep at all
        for (int i = 0; i < 5_000; i++) l.tryAcquire("same-instant-" + i);
        assertThat(l.sweeps()).isZero();
        // time-based sweeps: at most one per interval (min(window, 1 min)), however many calls
        for (int s = 0; s < 10; s++) {
            clock.advance(Duration.ofSeconds(6));
            for (int i = 0; i < 1_000; i++) l.tryAcquire("k-" + s + "-" + i);
        }
        assertThat(l.sweeps()).isEqualTo(1);
    }

    @Test
    void aboveTheHardCapNewKeysShareOneConservativeBucket() {
        ManualClock clock = new ManualClock();
        RateLimiter l = new RateLimiter(3, Duration.ofHours(1), clock, 100);
        for (int i = 0; i < 100; i++) assertThat(l.tryAcquire("known-" + i)).isTrue();   // none refilled: none can go
        // fresh keys now count against one shared bucket of the same capacity: limiting never switches off
        int allowed = 0;
        for (int i = 0; i < 1_000; i++) if (l.tryAcquire("fresh-" + i)) allowed++;
        assertThat(allowed).isEqualTo(3);
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(101);
        // keys already tracked keep their own buckets
        assertThat(l.tryAcquire("known-7")).isTrue();
        assertThat(l.tryAcquire("known-7")).isTrue();
        assertThat(l.tryAcquire("known-7")).isFalse();
        // a flood of fresh keys while full sweeps at most once per cap-many calls (amortized O(1))
        assertThat(l.sweeps()).isLessThanOrEqualTo(1_000 / 100 + 1);
        // once the buckets are full again the sweep frees the room and fresh keys get their own buckets again
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 200 && l.trackedKeys() > 1; i++) l.tryAcquire("known-0");
        assertThat(l.trackedKeys()).as("the sweep dropped every refilled bucket").isEqualTo(1);
        assertThat(l.tryAcquire("brand-new")).isTrue();
        assertThat(l.tryAcquire("brand-new")).isTrue();
        assertThat(l.tryAcquire("brand-new")).isTrue();
        assertThat(l.tryAcquire("other-new")).as("not sharing an exhausted overflow bucket").isTrue();
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(101);
    }
}
