package dev.qring.domain.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * A clock and a {@link CallScheduler} that move only when the test says so: {@link #advance} runs every task that
 * became due, in deadline order, on the calling thread (tasks may schedule more tasks).
 */
final class ManualTime extends Clock implements CallScheduler {
    private Instant now;
    private long seq;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();

    private final class Task implements Comparable<Task>, Cancellable {
        final Instant at;
        final long order = seq++;
        final Runnable run;
        volatile boolean cancelled;

        Task(Instant at, Runnable run) { this.at = at; this.run = run; }

        @Override public int compareTo(Task o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override public void cancel() { cancelled = true; }
    }

    ManualTime(Instant start) { this.now = start; }

    @Override public synchronized Instant instant() { return now; }
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }

    @Override
    public synchronized Cancellable schedule(Instant at, Runnable task) {
        Task t = new Task(at, task);
        queue.add(t);
        return t;
    }

    /** Live (not cancelled) tasks waiting. */
    synchronized long pending() {
        return queue.stream().filter(t -> !t.cancelled).count();
    }

    void advance(Duration d) {
        Instant target;
        synchronized (this) { target = now.plus(d); }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.at.isAfter(target)) { now = target; return; }
                queue.poll();
                if (next.at.isAfter(now)) now = next.at;
            }
            if (!next.cancelled) next.run.run();
        }
    }
}
