package dev.qring.app.metrics;

import dev.qring.socketio.SocketIoStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The server's Prometheus metrics. Labels are low-cardinality and never carry ids, tokens, emails or other
 * secrets: HTTP requests are labelled by route TEMPLATE ("/api/v1/doors/{id}"), not by path.
 *
 * <p>Main metric names (Prometheus form): {@code http_server_requests_seconds{method,route,status}},
 * {@code socketio_connections_open}, {@code socketio_connections_total}, {@code socketio_slow_client_disconnects_total},
 * {@code socketio_protocol_errors_total}, {@code qring_chat_acks_total{outcome}}, {@code qring_rings_total{outcome}},
 * {@code qring_realtime_events_total{namespace,event,outcome}}, plus JVM and process metrics.
 */
public final class AppMetrics {
    private static final Set<String> CHAT_OUTCOMES = Set.of("saved", "duplicate", "not_saved", "invalid", "forbidden", "rejected");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public AppMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (String o : CHAT_OUTCOMES) chatAck(o, 0);
        for (String o : new String[]{"ringing", "answered", "declined", "missed", "ended"}) ring(o, 0);
    }

    public PrometheusMeterRegistry registry() { return registry; }

    public void bindSocketIo(SocketIoStats stats) {
        Gauge.builder("socketio.connections.open", stats, SocketIoStats::openConnections)
                .description("Engine.IO connections currently open").register(registry);
        FunctionCounter.builder("socketio.connections", stats, s -> s.connectionsTotal())
                .description("Engine.IO connections opened since start").register(registry);
        FunctionCounter.builder("socketio.slow.client.disconnects", stats, s -> s.slowClientDisconnects())
                .description("connections closed because their outbound queue overflowed").register(registry);
        FunctionCounter.builder("socketio.protocol.errors", stats, s -> s.protocolErrors())
                .description("connections closed for malformed or oversized input").register(registry);
    }

    /** Cross-instance fan-out (QRING_REDIS_URL): messages published, received, dropped (Redis unreachable). */
    public void bindCluster(dev.qring.app.cluster.RedisBus bus) {
        FunctionCounter.builder("qring.cluster.published", bus, b -> b.published()).register(registry);
        FunctionCounter.builder("qring.cluster.received", bus, b -> b.received()).register(registry);
        FunctionCounter.builder("qring.cluster.dropped", bus, b -> b.dropped()).register(registry);
    }

    public void httpRequest(String method, String route, int status, long nanos) {
        Timer.builder("http.server.requests")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Outcome of a chat.send ack: saved, duplicate (retried clientId), not_saved, invalid, forbidden, rejected. */
    public void chatAck(String outcome) { chatAck(outcome, 1); }

    private void chatAck(String outcome, int n) {
        String o = CHAT_OUTCOMES.contains(outcome) ? outcome : "rejected";
        Counter.builder("qring.chat.acks").description("chat.send acknowledgements by outcome").tag("outcome", o)
                .register(registry).increment(n);
    }

    /** A visitor session ring and how it ended: ringing (new ring), answered, declined, missed, ended. */
    public void ring(String outcome) { ring(outcome, 1); }

    private void ring(String outcome, int n) {
        Counter.builder("qring.rings").description("visitor session rings by outcome").tag("outcome", outcome)
                .register(registry).increment(n);
    }

    /** One realtime event handled; {@code outcome} is "ok" or an error code. */
    public void realtimeEvent(String namespace, String event, String outcome) {
        Counter.builder("qring.realtime.events").tag("namespace", namespace).tag("event", event).tag("outcome", outcome)
                .register(registry).increment();
    }

    public String scrape() { return registry.scrape(); }
}
