package dev.qring.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Fails a test class when Netty's leak detector (PARANOID in these tests) reported an unreleased buffer. */
final class LeakCheck {
    static final AtomicInteger LEAKS = new AtomicInteger();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String type, String records) {
                        LEAKS.incrementAndGet();
                        super.reportTracedLeak(type, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String type) {
                        LEAKS.incrementAndGet();
                        super.reportUntracedLeak(type);
                    }
                };
            }
        });
    }

    private LeakCheck() { }

    /** Call before any Netty buffer is allocated (first thing in @BeforeAll). */
    static void enable() { }

    /** Collects garbage, lets the detector look at it, and fails if anything leaked. */
    static void assertNoLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try { Thread.sleep(100); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            for (int k = 0; k < 64; k++) { // the detector reports while tracking new buffers
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
                b.release();
            }
        }
        if (LEAKS.get() > 0) throw new AssertionError(LEAKS.get() + " ByteBuf leak(s) reported by Netty (see the test output)");
    }
}
