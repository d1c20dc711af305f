package dev.qring.domain.call;

/**
 * Counters for operations (calls by outcome and ICE path). The app binds them to Micrometer; {@link CallCounters}
 * is the in-memory implementation. Called after commit, from domain threads; must be cheap and thread-safe.
 */
public interface CallMetrics {
    /** A call reached a terminal state ({@code call.state()} is the outcome; {@code call.path()} may be null). */
    default void callFinished(Call call) { }

    /** A call reported its first media connection ({@code call.path()}, {@code call.setupMs()} are set). */
    default void callConnected(Call call) { }

    /** Every accepted stats report (RTT and loss feed histograms; nothing identifying). */
    default void statsReported(CallStats stats) { }

    CallMetrics NONE = new CallMetrics() { };

    /** Fans out to several sinks. */
    static CallMetrics all(CallMetrics... sinks) {
        return new CallMetrics() {
            @Override public void callFinished(Call c) { for (CallMetrics m : sinks) m.callFinished(c); }
            @Override public void callConnected(Call c) { for (CallMetrics m : sinks) m.callConnected(c); }
            @Override public void statsReported(CallStats s) { for (CallMetrics m : sinks) m.statsReported(s); }
        };
    }
}
