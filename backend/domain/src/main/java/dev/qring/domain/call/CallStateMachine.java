package dev.qring.domain.call;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of a call, as a pure function: {@code (stored call, event, now) → result}. No I/O, no clock, no
 * threads, so every transition and timer is testable by passing instants. {@link CallService} loads, applies,
 * stores (with an optimistic version check) and publishes.
 *
 * <h2>Transitions</h2>
 * <pre>
 *  ringing ──accept (callee)──▶ accepted ──first rtc.answer──▶ connecting ──call.stats──▶ connected ──end──▶ ended
 *     │                            │  ╰──────────────call.stats (connected report)────────────▶│
 *     ├─decline (callee) / end by callee ▶ declined            │
 *     ├─cancel (caller)  / end by caller ▶ cancelled           ├─end (either party) ▶ ended
 *     ├─ring timeout ▶ missed                                  ├─end reason "media_failed" ▶ failed
 *     └─caller lost past the grace ▶ failed                    ├─no media connection within the setup timeout ▶ failed
 *                                                              └─a party lost past the reconnect grace ▶ failed
 * </pre>
 * {@code connecting} means the two clients exchanged an offer and an answer (ICE is running); {@code connected}
 * means a client reported, through {@code call.stats}, a selected candidate pair — the only reliable signal of
 * a media path the server can see without being in the media path itself.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Terminal states never change: every event on a terminal call is either a duplicate ({@link Unchanged})
 *       or refused.</li>
 *   <li>Duplicates are idempotent: a retried accept by the device that took the call, a second decline, cancel
 *       or end of a call already in that state gets {@link Unchanged} with the current call — the same answer. So
 *       does a party's end / cancel / decline of a call that this party's own end / cancel / decline finished
 *       ({@link #finishedBy}): an end while ringing became a cancel or a decline, and the client retries it.</li>
 *   <li>Out-of-order events (accept after cancel, cancel after accept, signaling before accept...) are
 *       {@link Refused} with {@link Refusal#CONFLICT}; the call is unchanged.</li>
 *   <li>Only the parties act: the callee accepts/declines, the caller cancels, either ends; once a homeowner
 *       device is bound (it started or accepted the call) the homeowner's other devices get
 *       {@link Refusal#FORBIDDEN} for anything but accept, which is a {@link Refusal#CONFLICT} (answered
 *       elsewhere). Whether the principal belongs to the session at all is checked by the service.</li>
 * </ul>
 */
public final class CallStateMachine {
    private CallStateMachine() { }

    /** Who acts: a role, and for the homeowner the device (a login) it acts from. */
    public record Actor(CallRole role, String deviceId) {
        public Actor {
            Objects.requireNonNull(role);
            Objects.requireNonNull(deviceId);
        }
    }

    public enum SignalKind { OFFER, ANSWER, CANDIDATE }

    /** Anything that can happen to a call. */
    public sealed interface Event permits Accept, Decline, Cancel, End, Signal, MediaConnected, PartyLost,
            PartyBack, Tick, SessionClosed { }

    public record Accept(Actor actor) implements Event { }

    public record Decline(Actor actor) implements Event { }

    public record Cancel(Actor actor) implements Event { }

    /** {@code reason} "media_failed" ends the call as {@code failed} (the clients found no media path). */
    public record End(Actor actor, String reason) implements Event { }

    /** An rtc.offer / rtc.answer / rtc.candidate the actor wants relayed. */
    public record Signal(Actor actor, SignalKind kind) implements Event { }

    /** A client's stats report of a media connection ({@code path} like "relay/udp"; null when it did not say). */
    public record MediaConnected(Actor actor, String path, int setupMs) implements Event { }

    /** The actor's last signaling connection for this session went away. */
    public record PartyLost(Actor actor) implements Event { }

    /** The actor is back (re-joined the session). */
    public record PartyBack(Actor actor) implements Event { }

    /** A timer fired: applies every deadline that has passed at {@code now}. */
    public record Tick() implements Event { }

    /** The visitor session ended (or expired): the call ends with it. */
    public record SessionClosed() implements Event { }

    public enum Refusal {
        FORBIDDEN("forbidden"), CONFLICT("conflict");

        private final String code;

        Refusal(String code) { this.code = code; }

        /** The product.md error code. */
        public String code() { return code; }
    }

    public sealed interface Result permits Changed, Unchanged, Refused {
        CallRecord call();
    }

    /** The call moved; {@code call} is the new record (version not yet incremented: the store does that). */
    public record Changed(CallRecord call) implements Result { }

    /** Nothing to store: a duplicate, or an event without effect. {@code call} is the current record. */
    public record Unchanged(CallRecord call) implements Result { }

    public record Refused(Refusal refusal, String message, CallRecord call) implements Result { }

    public static final String MEDIA_FAILED = "media_failed";

    public static Result apply(CallRecord c, Event event, Instant now, CallTimings timings) {
        return switch (event) {
            case Accept a -> accept(c, a.actor(), now);
            case Decline d -> decline(c, d.actor(), now);
            case Cancel x -> cancel(c, x.actor(), now);
            case End e -> end(c, e.actor(), e.reason(), now);
            case Signal s -> signal(c, s.actor(), s.kind());
            case MediaConnected m -> mediaConnected(c, m.actor(), m.path(), m.setupMs(), now);
            case PartyLost l -> partyLost(c, l.actor(), now);
            case PartyBack b -> partyBack(c, b.actor());
            case Tick t -> tick(c, now, timings);
            case SessionClosed s -> sessionClosed(c, now);
        };
    }

    /** The earliest instant at which a {@link Tick} would change this call; empty for terminal calls. */
    public static Optional<Instant> nextDeadline(CallRecord c, CallTimings t) {
        if (c.state().terminal()) return Optional.empty();
        Instant next = null;
        if (c.state() == CallState.RINGING) next = c.createdAt().plus(t.ringTimeout());
        if ((c.state() == CallState.ACCEPTED || c.state() == CallState.CONNECTING) && c.answeredAt() != null) {
            next = min(next, c.answeredAt().plus(t.setupTimeout()));
        }
        for (CallRole r : CallRole.values()) {
            if (c.lostAt(r) != null) next = min(next, c.lostAt(r).plus(t.reconnectGrace()));
        }
        return Optional.ofNullable(next);
    }

    /** True when the actor is a party of the call (the session membership is checked by the service). */
    public static boolean isParty(CallRecord c, Actor a) {
        return a.role() == CallRole.VISITOR || c.homeownerDevice() == null || c.homeownerDevice().equals(a.deviceId());
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    private static Result accept(CallRecord c, Actor a, Instant now) {
        if (a.role() != c.calleeRole()) return refused(Refusal.FORBIDDEN, "only the callee can accept", c);
        if (c.state() == CallState.RINGING) {
            String device = a.role() == CallRole.HOMEOWNER ? a.deviceId() : c.homeownerDevice();
            return new Changed(c.answered(now, device));
        }
        if (c.answeredAt() != null) {
            // Retried accept from the device that took the call: same answer. Any other device lost the race.
            if (isParty(c, a)) return new Unchanged(c);
            return refused(Refusal.CONFLICT, "the call was answered on another device", c);
        }
        return refused(Refusal.CONFLICT, "the call is " + c.state().wire(), c);
    }

    private static Result decline(CallRecord c, Actor a, Instant now) {
        if (a.role() != c.calleeRole()) return refused(Refusal.FORBIDDEN, "only the callee can decline", c);
        if (c.state() == CallState.RINGING) return new Changed(c.finished(CallState.DECLINED, now, "declined"));
        if (c.state() == CallState.DECLINED || isOwnFinish(c, a)) return new Unchanged(c);
        return refused(Refusal.CONFLICT, "the call is " + c.state().wire(), c);
    }

    private static Result cancel(CallRecord c, Actor a, Instant now) {
        if (a.role() != c.initiatorRole() || !isParty(c, a)) {
            return refused(Refusal.FORBIDDEN, "only the caller can cancel", c);
        }
        if (c.state() == CallState.RINGING) return new Changed(c.finished(CallState.CANCELLED, now, "cancelled"));
        if (c.state() == CallState.CANCELLED || isOwnFinish(c, a)) return new Unchanged(c);
        return refused(Refusal.CONFLICT, "the call is " + c.state().wire(), c);
    }

    private static Result end(CallRecord c, Actor a, String reason, Instant now) {
        if (c.state() == CallState.RINGING) {
            // Hanging up while it rings: the caller cancels, the callee declines.
            return a.role() == c.initiatorRole() ? cancel(c, a, now) : decline(c, a, now);
        }
        if (!isParty(c, a)) return refused(Refusal.FORBIDDEN, "not a party of this call", c);
        boolean mediaFailed = MEDIA_FAILED.equals(reason);
        if (c.state().answered()) {
            if (mediaFailed) return new Changed(c.finished(CallState.FAILED, now, MEDIA_FAILED));
            return new Changed(c.finished(CallState.ENDED, now, a.role().wire() + "_hangup"));
        }
        // A retried hang-up: the call is already where this end would have taken it (ended; failed for
        // media_failed), or where this party's own hang-up / cancel / decline took it — e.g. an end while ringing
        // became a cancel (caller) or a decline (callee), and the client retries the end.
        if (c.state() == CallState.ENDED || (mediaFailed && c.state() == CallState.FAILED) || isOwnFinish(c, a)) {
            return new Unchanged(c);
        }
        return refused(Refusal.CONFLICT, "the call is " + c.state().wire(), c);
    }

    /**
     * The role whose own end / cancel / decline finished the call, as far as the stored state and reason tell:
     * cancelled (reason "cancelled") by the caller, declined by the callee, ended with "{role}_hangup" by that role.
     * Null when the server finished it (timeout, lost party, session end) or it cannot be told ("media_failed").
     */
    static CallRole finishedBy(CallRecord c) {
        return switch (c.state()) {
            case CANCELLED -> "cancelled".equals(c.endReason()) ? c.initiatorRole() : null;
            case DECLINED -> c.calleeRole();
            case ENDED -> {
                for (CallRole r : CallRole.values()) if ((r.wire() + "_hangup").equals(c.endReason())) yield r;
                yield null;
            }
            default -> null;
        };
    }

    /** True when the terminal call was finished by this party itself (a retry of its hang-up is a duplicate). */
    private static boolean isOwnFinish(CallRecord c, Actor a) {
        return c.state().terminal() && finishedBy(c) == a.role() && isParty(c, a);
    }

    private static Result signal(CallRecord c, Actor a, SignalKind kind) {
        if (!isParty(c, a)) return refused(Refusal.FORBIDDEN, "not a party of this call", c);
        if (!c.state().answered()) {
            return refused(Refusal.CONFLICT, c.state() == CallState.RINGING
                    ? "the call is not answered yet" : "the call is " + c.state().wire(), c);
        }
        // Whoever signals is evidently present: a missed re-join must not fail a working call.
        CallRecord next = c.lostAt(a.role()) != null ? c.withLost(a.role(), null) : c;
        if (kind == SignalKind.ANSWER && c.state() == CallState.ACCEPTED) next = next.withState(CallState.CONNECTING);
        return next == c ? new Unchanged(c) : new Changed(next);
    }

    private static Result mediaConnected(CallRecord c, Actor a, String path, int setupMs, Instant now) {
        if (!isParty(c, a)) return refused(Refusal.FORBIDDEN, "not a party of this call", c);
        if (c.state() == CallState.ACCEPTED || c.state() == CallState.CONNECTING) {
            return new Changed(c.connected(now, path, setupMs));
        }
        if (c.state() == CallState.CONNECTED) {
            // Both clients report, and an ICE restart may move the call (Wi-Fi → mobile: direct/udp → relay/tls).
            // The stored path is the most demanding one seen — what this call needed to get through — so the
            // relayed side's report (which knows its TURN transport) wins over the other side's "remote is relay".
            return pathRank(path) > pathRank(c.path()) ? new Changed(c.withPath(path)) : new Unchanged(c);
        }
        if (c.state().terminal() && c.answeredAt() != null) return new Unchanged(c); // late final report: harmless
        return refused(Refusal.CONFLICT, "the call is " + c.state().wire(), c);
    }

    private static Result partyLost(CallRecord c, Actor a, Instant now) {
        if (c.state().terminal() || !isParty(c, a)) return new Unchanged(c);
        // While a visitor's call rings on every homeowner device no single device is "the" party.
        if (a.role() == CallRole.HOMEOWNER && c.homeownerDevice() == null) return new Unchanged(c);
        if (c.lostAt(a.role()) != null) return new Unchanged(c);
        return new Changed(c.withLost(a.role(), now));
    }

    private static Result partyBack(CallRecord c, Actor a) {
        if (c.state().terminal() || !isParty(c, a) || c.lostAt(a.role()) == null) return new Unchanged(c);
        return new Changed(c.withLost(a.role(), null));
    }

    private static Result tick(CallRecord c, Instant now, CallTimings t) {
        if (c.state().terminal()) return new Unchanged(c);
        // Apply the earliest deadline that has passed (its reason wins); endedAt is when the server noticed.
        Instant best = null;
        CallState to = null;
        String reason = null;
        for (CallRole r : CallRole.values()) {
            Instant lost = c.lostAt(r);
            if (lost != null && !lost.plus(t.reconnectGrace()).isAfter(now)) {
                Instant due = lost.plus(t.reconnectGrace());
                if (best == null || due.isBefore(best)) { best = due; to = CallState.FAILED; reason = r.wire() + "_lost"; }
            }
        }
        if (c.state() == CallState.RINGING) {
            Instant due = c.createdAt().plus(t.ringTimeout());
            if (!due.isAfter(now) && (best == null || due.isBefore(best))) {
                best = due; to = CallState.MISSED; reason = "ring_timeout";
            }
        }
        if ((c.state() == CallState.ACCEPTED || c.state() == CallState.CONNECTING) && c.answeredAt() != null) {
            Instant due = c.answeredAt().plus(t.setupTimeout());
            if (!due.isAfter(now) && (best == null || due.isBefore(best))) {
                best = due; to = CallState.FAILED; reason = "setup_timeout";
            }
        }
        if (to == null) return new Unchanged(c);
        return new Changed(c.finished(to, now, reason));
    }

    private static Result sessionClosed(CallRecord c, Instant now) {
        if (c.state().terminal()) return new Unchanged(c);
        CallState to = c.state() == CallState.RINGING ? CallState.CANCELLED : CallState.ENDED;
        return new Changed(c.finished(to, now, "session_ended"));
    }

    /** null < direct/udp < direct/tcp < relay/udp < relay/tcp < relay/tls. */
    static int pathRank(String path) {
        if (path == null) return 0;
        return switch (path) {
            case "direct/udp" -> 1;
            case "direct/tcp" -> 2;
            case "relay/udp" -> 3;
            case "relay/tcp" -> 4;
            case "relay/tls" -> 5;
            default -> 0;
        };
    }

    private static Refused refused(Refusal r, String message, CallRecord c) {
        return new Refused(r, message, c);
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) return b;
        return b.isBefore(a) ? b : a;
    }
}
