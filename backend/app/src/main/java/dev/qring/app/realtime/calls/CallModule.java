package dev.qring.app.realtime.calls;

import dev.qring.app.realtime.SignalingContext;
import dev.qring.domain.call.CallService;
import dev.qring.domain.call.CallTimings;
import dev.qring.domain.db.Database;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.socketio.Namespace;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * Everything calls need, in one call from the server's wiring:
 * <pre>{@code
 * CallService calls = CallModule.install(signaling, ctx, database, ice, config.callRingTimeout(), metrics.registry(),
 *         config.redisUrl() != null);
 * closeables.add(calls);
 * }</pre>
 * Creates the {@link CallService} (events → {@link CallBroadcaster}, counters → {@link MicrometerCallMetrics}),
 * recovers the timers of calls that were live before a restart, starts the sweeper and registers the handlers.
 *
 * <p>{@code clustered} (QRING_REDIS_URL set): other instances may hold the parties' signaling connections right now,
 * and call presence is counted per instance, so starting an instance only re-arms deadlines
 * ({@link CallService#recoverTimers(boolean) recoverTimers(true)}) and never marks parties lost — otherwise every
 * instance start would fail every live call of the cluster after the reconnect grace.
 */
public final class CallModule {
    /** How often the sweeper looks for calls of closed sessions and deadlines a lost timer missed. */
    public static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    private CallModule() { }

    public static CallService install(Namespace signaling, SignalingContext ctx, Database database, IceServerIssuer ice,
                                      Duration callRingTimeout, MeterRegistry registry, boolean clustered) {
        CallTimings timings = CallTimings.defaults();
        if (callRingTimeout != null) timings = timings.withRingTimeout(callRingTimeout);
        CallService calls = CallService.create(database, timings, new CallBroadcaster(ctx.realtime()),
                registry == null ? null : new MicrometerCallMetrics(registry));
        new CallHandlers(ctx, calls, ice).register(signaling);
        calls.recoverTimers(clustered);
        calls.startSweeper(SWEEP_EVERY);
        return calls;
    }
}
