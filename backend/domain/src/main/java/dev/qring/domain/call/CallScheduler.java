package dev.qring.domain.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs call timers. The deadlines themselves live in the database (derived from the stored call), so a lost
 * timer — a restart — is recovered by {@link CallService#recoverTimers()}; the scheduler only says "look again at".
 */
public interface CallScheduler extends AutoCloseable {
    /** Runs {@code task} at (or soon after) {@code at}; a past instant runs it as soon as possible. */
    Cancellable schedule(Instant at, Runnable task);

    @Override
    default void close() { }

    interface Cancellable {
        void cancel();
    }

    /**
     * Real time: one daemon platform thread that only triggers; the task itself must hand blocking work off
     * (CallService runs ticks on virtual threads).
     */
    static CallScheduler system(Clock clock) {
        ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qring-call-timers");
            t.setDaemon(true);
            return t;
        });
        return new CallScheduler() {
            @Override
            public Cancellable schedule(Instant at, Runnable task) {
                long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
                ScheduledFuture<?> f = ses.schedule(task, delay, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void close() {
                ses.shutdownNow();
            }
        };
    }
}
