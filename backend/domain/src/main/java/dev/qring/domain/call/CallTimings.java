package dev.qring.domain.call;

import java.time.Duration;
import java.util.Objects;

/**
 * The server's call timers.
 *
 * @param ringTimeout    a call still ringing after this becomes {@code missed} ({@code QRING_CALL_RING_TIMEOUT}, 30 s)
 * @param reconnectGrace a party that lost its signaling connection mid-call has this long to come back before the
 *                       call becomes {@code failed} (20 s)
 * @param setupTimeout   an answered call that has not reported a media connection after this becomes {@code failed}
 *                       ("no media path"; 45 s: ICE over TURN/TLS on a poor mobile link can take 10–20 s)
 */
public record CallTimings(Duration ringTimeout, Duration reconnectGrace, Duration setupTimeout) {
    public CallTimings {
        Objects.requireNonNull(ringTimeout);
        Objects.requireNonNull(reconnectGrace);
        Objects.requireNonNull(setupTimeout);
        if (ringTimeout.isNegative() || ringTimeout.isZero() || reconnectGrace.isNegative() || reconnectGrace.isZero()
                || setupTimeout.isNegative() || setupTimeout.isZero()) {
            throw new IllegalArgumentException("call timers must be positive");
        }
    }

    public static CallTimings defaults() {
        return new CallTimings(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(45));
    }

    public CallTimings withRingTimeout(Duration d) {
        return new CallTimings(d, reconnectGrace, setupTimeout);
    }
}
