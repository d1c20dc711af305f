package dev.qring.app.realtime;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a base executor (virtual threads). One per socket: the events
 * of one client are handled in the order they were sent (two chat.send from one device are stored in that order),
 * while different clients proceed in parallel. {@link #tryExecute} refuses work beyond {@code limit} pending tasks so
 * a flooding client cannot queue unbounded work.
 */
final class SerialExecutor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor base;
    private final int limit;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();

    SerialExecutor(Executor base, int limit) {
        this.base = base;
        this.limit = limit;
    }

    /** False (and nothing queued) when {@code limit} tasks are already pending. */
    boolean tryExecute(Runnable task) {
        if (pending.incrementAndGet() > limit) {
            pending.decrementAndGet();
            return false;
        }
        queue.add(task);
        schedule();
        return true;
    }

    /** Queues even past the limit (disconnect clean-up must always run). */
    void tryExecuteAlways(Runnable task) {
        pending.incrementAndGet();
        queue.add(task);
        schedule();
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) base.execute(this::drain);
    }

    private void drain() {
        try {
            Runnable r;
            while ((r = queue.poll()) != null) {
                try {
                    r.run();
                } catch (Throwable t) {
                    log.error("realtime task failed", t);
                } finally {
                    pending.decrementAndGet();
                }
            }
        } finally {
            running.set(false);
            if (!queue.isEmpty()) schedule();
        }
    }
}
