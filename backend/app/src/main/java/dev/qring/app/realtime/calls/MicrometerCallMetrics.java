package dev.qring.app.realtime.calls;

import dev.qring.domain.call.Call;
import dev.qring.domain.call.CallMetrics;
import dev.qring.domain.call.CallStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Call counters for operations, in Prometheus form:
 * <ul>
 *   <li>{@code qring_calls_finished_total{outcome, path}} — outcome is the terminal state (ended, declined, missed,
 *       cancelled, failed), path the reported media path (relay/udp, relay/tcp, relay/tls, direct/udp, direct/tcp,
 *       unknown, or none when media never connected)</li>
 *   <li>{@code qring_calls_connected_total{path}} and {@code qring_call_setup_seconds{path}}</li>
 *   <li>{@code qring_call_rtt_ms} and {@code qring_call_loss_percent} from {@code call.stats}</li>
 * </ul>
 * Labels are bounded sets; no ids.
 */
public final class MicrometerCallMetrics implements CallMetrics {
    private final MeterRegistry registry;
    private final DistributionSummary rtt;
    private final DistributionSummary loss;

    public MicrometerCallMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.rtt = DistributionSummary.builder("qring.call.rtt.ms").description("RTT reported by call.stats")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.loss = DistributionSummary.builder("qring.call.loss.percent").description("packet loss reported by call.stats")
                .register(registry);
    }

    @Override
    public void callFinished(Call call) {
        Counter.builder("qring.calls.finished").description("calls by outcome and ICE path")
                .tag("outcome", call.state().wire()).tag("path", path(call)).register(registry).increment();
    }

    @Override
    public void callConnected(Call call) {
        Counter.builder("qring.calls.connected").description("calls that reported a media connection, by ICE path")
                .tag("path", path(call)).register(registry).increment();
        if (call.setupMs() != null) {
            Timer.builder("qring.call.setup").description("call setup time reported by clients")
                    .tag("path", path(call)).register(registry).record(Duration.ofMillis(call.setupMs()));
        }
    }

    @Override
    public void statsReported(CallStats stats) {
        if (stats.rttMs() != null) rtt.record(stats.rttMs());
        if (stats.lossPct() != null) loss.record(stats.lossPct());
    }

    private static String path(Call c) {
        if (c.path() != null) return c.path();
        return c.connectedAt() != null ? "unknown" : "none";
    }
}
