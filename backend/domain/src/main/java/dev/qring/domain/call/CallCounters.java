package dev.qring.domain.call;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** In-memory call counters: finished calls by (outcome, path) and connected calls by path. Thread-safe. */
public final class CallCounters implements CallMetrics {
    private final ConcurrentHashMap<String, LongAdder> finished = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> connected = new ConcurrentHashMap<>();

    @Override
    public void callFinished(Call call) {
        finished.computeIfAbsent(call.state().wire() + " " + pathOf(call), k -> new LongAdder()).increment();
    }

    @Override
    public void callConnected(Call call) {
        connected.computeIfAbsent(pathOf(call), k -> new LongAdder()).increment();
    }

    /** Finished calls keyed "outcome path" (see {@link #pathOf}). */
    public Map<String, Long> finished() {
        Map<String, Long> m = new TreeMap<>();
        finished.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Connected calls keyed by path. */
    public Map<String, Long> connected() {
        Map<String, Long> m = new TreeMap<>();
        connected.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** The path label: as reported; "unknown" when connected without a usable report; "none" when never connected. */
    static String pathOf(Call c) {
        if (c.path() != null) return c.path();
        return c.connectedAt() != null ? "unknown" : "none";
    }
}
