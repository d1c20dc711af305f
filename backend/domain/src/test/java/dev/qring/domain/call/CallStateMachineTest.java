package dev.qring.domain.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.domain.call.CallStateMachine.Accept;
import dev.qring.domain.call.CallStateMachine.Actor;
import dev.qring.domain.call.CallStateMachine.Cancel;
import dev.qring.domain.call.CallStateMachine.Changed;
import dev.qring.domain.call.CallStateMachine.Decline;
import dev.qring.domain.call.CallStateMachine.End;
import dev.qring.domain.call.CallStateMachine.Event;
import dev.qring.domain.call.CallStateMachine.MediaConnected;
import dev.qring.domain.call.CallStateMachine.PartyBack;
import dev.qring.domain.call.CallStateMachine.PartyLost;
import dev.qring.domain.call.CallStateMachine.Refusal;
import dev.qring.domain.call.CallStateMachine.Refused;
import dev.qring.domain.call.CallStateMachine.Result;
import dev.qring.domain.call.CallStateMachine.SessionClosed;
import dev.qring.domain.call.CallStateMachine.Signal;
import dev.qring.domain.call.CallStateMachine.SignalKind;
import dev.qring.domain.call.CallStateMachine.Tick;
import dev.qring.domain.call.CallStateMachine.Unchanged;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every transition, timer, duplicate and out-of-order event of the pure state machine. */
class CallStateMachineTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final CallTimings TIMINGS = CallTimings.defaults(); // ring 30 s, grace 20 s, setup 45 s
    static final Actor VISITOR = new Actor(CallRole.VISITOR, "visitor");
    static final Actor PHONE = new Actor(CallRole.HOMEOWNER, "phone");
    static final Actor LAPTOP = new Actor(CallRole.HOMEOWNER, "laptop");

    /** A visitor's call ringing on every homeowner device. */
    static CallRecord visitorCall() {
        return CallRecord.ringing(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "c1", CallRole.VISITOR, "visitor", CallMedia.VIDEO, T0);
    }

    static CallRecord homeownerCall() {
        return CallRecord.ringing(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "c1", CallRole.HOMEOWNER, "phone", CallMedia.AUDIO, T0);
    }

    static Result apply(CallRecord c, Event e, Duration after) {
        return CallStateMachine.apply(c, e, T0.plus(after), TIMINGS);
    }

    static CallRecord changed(Result r) {
        assertThat(r).isInstanceOf(Changed.class);
        return r.call();
    }

    static void unchanged(Result r, CallRecord same) {
        assertThat(r).isInstanceOf(Unchanged.class);
        assertThat(r.call()).isSameAs(same);
    }

    static void refused(Result r, Refusal refusal, CallRecord same) {
        assertThat(r).isInstanceOf(Refused.class);
        assertThat(((Refused) r).refusal()).isEqualTo(refusal);
        assertThat(r.call()).isSameAs(same);
    }

    static CallRecord accepted(CallRecord c) {
        return changed(apply(c, new Accept(PHONE), Duration.ofSeconds(5)));
    }

    static CallRecord connected(CallRecord c) {
        CallRecord a = accepted(c);
        CallRecord cn = changed(apply(a, new Signal(VISITOR, SignalKind.ANSWER), Duration.ofSeconds(6)));
        return changed(apply(cn, new MediaConnected(VISITOR, "relay/udp", 900), Duration.ofSeconds(7)));
    }

    @Test
    void happyPathRingingAcceptedConnectingConnectedEnded() {
        CallRecord c = visitorCall();
        assertThat(c.state()).isEqualTo(CallState.RINGING);
        assertThat(c.homeownerDevice()).isNull();

        CallRecord a = changed(apply(c, new Accept(PHONE), Duration.ofSeconds(5)));
        assertThat(a.state()).isEqualTo(CallState.ACCEPTED);
        assertThat(a.answeredAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(a.homeownerDevice()).isEqualTo("phone");

        // Offers and candidates do not move the call; the first answer does.
        unchanged(apply(a, new Signal(VISITOR, SignalKind.OFFER), Duration.ofSeconds(6)), a);
        unchanged(apply(a, new Signal(PHONE, SignalKind.CANDIDATE), Duration.ofSeconds(6)), a);
        CallRecord cn = changed(apply(a, new Signal(PHONE, SignalKind.ANSWER), Duration.ofSeconds(6)));
        assertThat(cn.state()).isEqualTo(CallState.CONNECTING);
        unchanged(apply(cn, new Signal(PHONE, SignalKind.ANSWER), Duration.ofSeconds(6)), cn);

        CallRecord on = changed(apply(cn, new MediaConnected(PHONE, "relay/tls", 1200), Duration.ofSeconds(7)));
        assertThat(on.state()).isEqualTo(CallState.CONNECTED);
        assertThat(on.connectedAt()).isEqualTo(T0.plusSeconds(7));
        assertThat(on.path()).isEqualTo("relay/tls");
        assertThat(on.setupMs()).isEqualTo(1200);

        CallRecord end = changed(apply(on, new End(VISITOR, null), Duration.ofSeconds(60)));
        assertThat(end.state()).isEqualTo(CallState.ENDED);
        assertThat(end.endedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(end.endReason()).isEqualTo("visitor_hangup");
        assertThat(end.path()).isEqualTo("relay/tls");
        assertThat(CallStateMachine.nextDeadline(end, TIMINGS)).isEmpty();
    }

    @Test
    void statsReportConnectsStraightFromAccepted() {
        CallRecord a = accepted(visitorCall());
        CallRecord on = changed(apply(a, new MediaConnected(VISITOR, "direct/udp", 300), Duration.ofSeconds(6)));
        assertThat(on.state()).isEqualTo(CallState.CONNECTED);
        // A second report with the same path is a duplicate; a new path (after an ICE restart) is recorded.
        unchanged(apply(on, new MediaConnected(PHONE, "direct/udp", 300), Duration.ofSeconds(8)), on);
        CallRecord moved = changed(apply(on, new MediaConnected(PHONE, "relay/tcp", 4000), Duration.ofSeconds(30)));
        assertThat(moved.path()).isEqualTo("relay/tcp");
        assertThat(moved.setupMs()).isEqualTo(300);
        assertThat(moved.connectedAt()).isEqualTo(on.connectedAt());
        // The most demanding path seen is kept: a later, lighter report does not hide that TURN over TCP was needed.
        unchanged(apply(moved, new MediaConnected(VISITOR, "relay/udp", 10), Duration.ofSeconds(31)), moved);
        unchanged(apply(moved, new MediaConnected(VISITOR, null, 10), Duration.ofSeconds(31)), moved);
        assertThat(changed(apply(moved, new MediaConnected(VISITOR, "relay/tls", 10), Duration.ofSeconds(32))).path())
                .isEqualTo("relay/tls");
    }

    @Test
    void homeownerCallsVisitor() {
        CallRecord c = homeownerCall();
        assertThat(c.homeownerDevice()).isEqualTo("phone");
        refused(apply(c, new Accept(PHONE), Duration.ZERO), Refusal.FORBIDDEN, c); // the caller cannot accept
        refused(apply(c, new Cancel(LAPTOP), Duration.ZERO), Refusal.FORBIDDEN, c); // not the calling device
        refused(apply(c, new Cancel(VISITOR), Duration.ZERO), Refusal.FORBIDDEN, c); // callee cannot cancel
        CallRecord a = changed(apply(c, new Accept(VISITOR), Duration.ofSeconds(2)));
        assertThat(a.state()).isEqualTo(CallState.ACCEPTED);
        assertThat(a.homeownerDevice()).isEqualTo("phone");
        unchanged(apply(a, new Accept(VISITOR), Duration.ofSeconds(3)), a);
        refused(apply(a, new Signal(LAPTOP, SignalKind.OFFER), Duration.ofSeconds(3)), Refusal.FORBIDDEN, a);
        refused(apply(a, new End(LAPTOP, null), Duration.ofSeconds(3)), Refusal.FORBIDDEN, a);
        CallRecord end = changed(apply(a, new End(PHONE, null), Duration.ofSeconds(4)));
        assertThat(end.endReason()).isEqualTo("homeowner_hangup");
    }

    @Test
    void declineByAnyHomeownerDeviceAndDuplicates() {
        CallRecord c = visitorCall();
        refused(apply(c, new Decline(VISITOR), Duration.ZERO), Refusal.FORBIDDEN, c);
        CallRecord d = changed(apply(c, new Decline(LAPTOP), Duration.ofSeconds(3)));
        assertThat(d.state()).isEqualTo(CallState.DECLINED);
        assertThat(d.endedAt()).isEqualTo(T0.plusSeconds(3));
        unchanged(apply(d, new Decline(PHONE), Duration.ofSeconds(4)), d);
        // The callee's hang-up of a declined call is what it would have done itself: a duplicate.
        unchanged(apply(d, new End(PHONE, null), Duration.ofSeconds(4)), d);
        refused(apply(d, new Accept(PHONE), Duration.ofSeconds(4)), Refusal.CONFLICT, d);
        refused(apply(d, new Cancel(VISITOR), Duration.ofSeconds(4)), Refusal.CONFLICT, d);
        // The caller did not decline: its hang-up no longer fits.
        refused(apply(d, new End(VISITOR, null), Duration.ofSeconds(4)), Refusal.CONFLICT, d);
    }

    @Test
    void cancelWhileRingingAndDuplicates() {
        CallRecord c = visitorCall();
        CallRecord x = changed(apply(c, new Cancel(VISITOR), Duration.ofSeconds(3)));
        assertThat(x.state()).isEqualTo(CallState.CANCELLED);
        assertThat(x.endReason()).isEqualTo("cancelled");
        unchanged(apply(x, new Cancel(VISITOR), Duration.ofSeconds(4)), x);
        unchanged(apply(x, new End(VISITOR, null), Duration.ofSeconds(4)), x); // the caller's hang-up, again
        refused(apply(x, new End(PHONE, null), Duration.ofSeconds(4)), Refusal.CONFLICT, x); // the callee did not cancel
        refused(apply(x, new Decline(PHONE), Duration.ofSeconds(4)), Refusal.CONFLICT, x);
        refused(apply(x, new Accept(PHONE), Duration.ofSeconds(4)), Refusal.CONFLICT, x); // accept after cancel
        refused(apply(x, new Signal(VISITOR, SignalKind.OFFER), Duration.ofSeconds(4)), Refusal.CONFLICT, x);
    }

    @Test
    void endWhileRingingMeansCancelForTheCallerAndDeclineForTheCallee() {
        CallRecord c = visitorCall();
        CallRecord cancelled = changed(apply(c, new End(VISITOR, null), Duration.ofSeconds(1)));
        assertThat(cancelled.state()).isEqualTo(CallState.CANCELLED);
        CallRecord declined = changed(apply(c, new End(LAPTOP, null), Duration.ofSeconds(1)));
        assertThat(declined.state()).isEqualTo(CallState.DECLINED);
        // A retried hang-up (the first ack was lost) gets the same call back, not conflict.
        unchanged(apply(cancelled, new End(VISITOR, null), Duration.ofSeconds(2)), cancelled);
        unchanged(apply(declined, new End(LAPTOP, null), Duration.ofSeconds(2)), declined);
        unchanged(apply(declined, new Decline(LAPTOP), Duration.ofSeconds(2)), declined);

        // The same for a homeowner's call, from the calling device only.
        CallRecord h = changed(apply(homeownerCall(), new End(PHONE, null), Duration.ofSeconds(1)));
        assertThat(h.state()).isEqualTo(CallState.CANCELLED);
        unchanged(apply(h, new End(PHONE, null), Duration.ofSeconds(2)), h);
        unchanged(apply(h, new Cancel(PHONE), Duration.ofSeconds(2)), h);
        refused(apply(h, new End(LAPTOP, null), Duration.ofSeconds(2)), Refusal.FORBIDDEN, h);
        refused(apply(h, new End(VISITOR, null), Duration.ofSeconds(2)), Refusal.CONFLICT, h);

        // A server-made terminal state (the ring timed out) is not the party's own hang-up: conflict.
        CallRecord missed = changed(apply(c, new Tick(), Duration.ofSeconds(31)));
        refused(apply(missed, new End(VISITOR, null), Duration.ofSeconds(32)), Refusal.CONFLICT, missed);
        CallRecord closed = changed(apply(c, new SessionClosed(), Duration.ofSeconds(3)));
        assertThat(closed.state()).isEqualTo(CallState.CANCELLED);
        refused(apply(closed, new End(VISITOR, null), Duration.ofSeconds(4)), Refusal.CONFLICT, closed);
    }

    @Test
    void cancelOrDeclineRetriedAfterTheSamePartyHungUpIsADuplicate() {
        CallRecord a = accepted(visitorCall());
        CallRecord byVisitor = changed(apply(a, new End(VISITOR, null), Duration.ofSeconds(8)));
        unchanged(apply(byVisitor, new Cancel(VISITOR), Duration.ofSeconds(9)), byVisitor);
        refused(apply(byVisitor, new Decline(PHONE), Duration.ofSeconds(9)), Refusal.CONFLICT, byVisitor);
        CallRecord byPhone = changed(apply(a, new End(PHONE, null), Duration.ofSeconds(8)));
        unchanged(apply(byPhone, new Decline(PHONE), Duration.ofSeconds(9)), byPhone);
        refused(apply(byPhone, new Decline(LAPTOP), Duration.ofSeconds(9)), Refusal.CONFLICT, byPhone); // not that device
        refused(apply(byPhone, new Cancel(VISITOR), Duration.ofSeconds(9)), Refusal.CONFLICT, byPhone);
    }

    @Test
    void outOfOrderEventsAreRefusedWithConflict() {
        CallRecord c = visitorCall();
        // Signaling and a connected report before anyone answered.
        refused(apply(c, new Signal(VISITOR, SignalKind.OFFER), Duration.ZERO), Refusal.CONFLICT, c);
        refused(apply(c, new MediaConnected(VISITOR, "relay/udp", 10), Duration.ZERO), Refusal.CONFLICT, c);
        // Cancel and decline after accept.
        CallRecord a = accepted(c);
        refused(apply(a, new Cancel(VISITOR), Duration.ofSeconds(6)), Refusal.CONFLICT, a);
        refused(apply(a, new Decline(PHONE), Duration.ofSeconds(6)), Refusal.CONFLICT, a);
        // Everything after the end.
        CallRecord end = changed(apply(a, new End(PHONE, null), Duration.ofSeconds(7)));
        unchanged(apply(end, new End(VISITOR, null), Duration.ofSeconds(8)), end); // a duplicate hang-up
        unchanged(apply(end, new Accept(PHONE), Duration.ofSeconds(8)), end); // retried accept: same answer
        refused(apply(end, new Signal(PHONE, SignalKind.OFFER), Duration.ofSeconds(8)), Refusal.CONFLICT, end);
        refused(apply(end, new Cancel(VISITOR), Duration.ofSeconds(8)), Refusal.CONFLICT, end);
        unchanged(apply(end, new MediaConnected(VISITOR, "relay/udp", 10), Duration.ofSeconds(8)), end); // late report
    }

    @Test
    void secondHomeownerDeviceLosesTheRaceToAccept() {
        CallRecord a = accepted(visitorCall()); // the phone took it
        refused(apply(a, new Accept(LAPTOP), Duration.ofSeconds(6)), Refusal.CONFLICT, a);
        unchanged(apply(a, new Accept(PHONE), Duration.ofSeconds(6)), a);
        refused(apply(a, new Signal(LAPTOP, SignalKind.CANDIDATE), Duration.ofSeconds(6)), Refusal.FORBIDDEN, a);
        refused(apply(a, new End(LAPTOP, null), Duration.ofSeconds(6)), Refusal.FORBIDDEN, a);
        refused(apply(a, new Accept(VISITOR), Duration.ofSeconds(6)), Refusal.FORBIDDEN, a); // the caller
    }

    @Test
    void mediaFailedEndsAsFailed() {
        CallRecord a = accepted(visitorCall());
        CallRecord f = changed(apply(a, new End(VISITOR, CallStateMachine.MEDIA_FAILED), Duration.ofSeconds(20)));
        assertThat(f.state()).isEqualTo(CallState.FAILED);
        assertThat(f.endReason()).isEqualTo("media_failed");
        unchanged(apply(f, new End(PHONE, CallStateMachine.MEDIA_FAILED), Duration.ofSeconds(21)), f);
        refused(apply(f, new End(PHONE, null), Duration.ofSeconds(21)), Refusal.CONFLICT, f);
    }

    @Nested
    class Timers {
        @Test
        void ringTimeoutMakesMissed() {
            CallRecord c = visitorCall();
            assertThat(CallStateMachine.nextDeadline(c, TIMINGS)).contains(T0.plusSeconds(30));
            unchanged(apply(c, new Tick(), Duration.ofMillis(29_999)), c);
            CallRecord m = changed(apply(c, new Tick(), Duration.ofSeconds(30)));
            assertThat(m.state()).isEqualTo(CallState.MISSED);
            assertThat(m.endReason()).isEqualTo("ring_timeout");
            unchanged(apply(m, new Tick(), Duration.ofSeconds(90)), m);
            refused(apply(m, new Accept(PHONE), Duration.ofSeconds(31)), Refusal.CONFLICT, m); // too late
        }

        @Test
        void acceptedCallHasNoRingTimeoutButASetupTimeout() {
            CallRecord a = accepted(visitorCall()); // answered at +5 s
            assertThat(CallStateMachine.nextDeadline(a, TIMINGS)).contains(T0.plusSeconds(50));
            unchanged(apply(a, new Tick(), Duration.ofSeconds(40)), a);
            CallRecord f = changed(apply(a, new Tick(), Duration.ofSeconds(50)));
            assertThat(f.state()).isEqualTo(CallState.FAILED);
            assertThat(f.endReason()).isEqualTo("setup_timeout");
        }

        @Test
        void connectedCallHasNoDeadlineUntilAPartyIsLost() {
            CallRecord on = connected(visitorCall());
            assertThat(CallStateMachine.nextDeadline(on, TIMINGS)).isEmpty();
            unchanged(apply(on, new Tick(), Duration.ofHours(3)), on);
        }

        @Test
        void partyVanishingPastTheGraceFailsTheCall() {
            CallRecord on = connected(visitorCall());
            CallRecord lost = changed(apply(on, new PartyLost(VISITOR), Duration.ofSeconds(100)));
            assertThat(lost.state()).isEqualTo(CallState.CONNECTED);
            assertThat(lost.visitorLostAt()).isEqualTo(T0.plusSeconds(100));
            unchanged(apply(lost, new PartyLost(VISITOR), Duration.ofSeconds(105)), lost); // grace is not extended
            assertThat(CallStateMachine.nextDeadline(lost, TIMINGS)).contains(T0.plusSeconds(120));
            unchanged(apply(lost, new Tick(), Duration.ofSeconds(119)), lost);
            CallRecord f = changed(apply(lost, new Tick(), Duration.ofSeconds(120)));
            assertThat(f.state()).isEqualTo(CallState.FAILED);
            assertThat(f.endReason()).isEqualTo("visitor_lost");
            assertThat(f.visitorLostAt()).isNull();
        }

        @Test
        void partyBackInTimeKeepsTheCall() {
            CallRecord on = connected(visitorCall());
            CallRecord lost = changed(apply(on, new PartyLost(PHONE), Duration.ofSeconds(100)));
            assertThat(lost.homeownerLostAt()).isEqualTo(T0.plusSeconds(100));
            CallRecord back = changed(apply(lost, new PartyBack(PHONE), Duration.ofSeconds(119)));
            assertThat(back.homeownerLostAt()).isNull();
            assertThat(CallStateMachine.nextDeadline(back, TIMINGS)).isEmpty();
            unchanged(apply(back, new Tick(), Duration.ofSeconds(200)), back);
            unchanged(apply(back, new PartyBack(PHONE), Duration.ofSeconds(201)), back);
        }

        @Test
        void signalingFromALostPartyProvesItIsBack() {
            CallRecord on = connected(visitorCall());
            CallRecord lost = changed(apply(on, new PartyLost(VISITOR), Duration.ofSeconds(100)));
            // ICE restart offer after a signaling reconnect: the call stays connected and the grace is cleared.
            CallRecord restarted = changed(apply(lost, new Signal(VISITOR, SignalKind.OFFER), Duration.ofSeconds(110)));
            assertThat(restarted.state()).isEqualTo(CallState.CONNECTED);
            assertThat(restarted.visitorLostAt()).isNull();
        }

        @Test
        void otherHomeownerDevicesLeavingDoNotMatter() {
            CallRecord ringing = visitorCall();
            unchanged(apply(ringing, new PartyLost(LAPTOP), Duration.ofSeconds(1)), ringing); // all devices ring
            CallRecord on = connected(ringing); // the phone took it
            unchanged(apply(on, new PartyLost(LAPTOP), Duration.ofSeconds(30)), on);
            unchanged(apply(on, new PartyBack(LAPTOP), Duration.ofSeconds(30)), on);
        }

        @Test
        void callerLostWhileRingingFailsBeforeTheRingTimeout() {
            CallRecord c = visitorCall();
            CallRecord lost = changed(apply(c, new PartyLost(VISITOR), Duration.ofSeconds(2)));
            assertThat(CallStateMachine.nextDeadline(lost, TIMINGS)).contains(T0.plusSeconds(22));
            CallRecord f = changed(apply(lost, new Tick(), Duration.ofSeconds(22)));
            assertThat(f.state()).isEqualTo(CallState.FAILED);
            assertThat(f.endReason()).isEqualTo("visitor_lost");
        }

        @Test
        void lateTimerAppliesTheEarliestDeadline() {
            CallRecord c = visitorCall();
            CallRecord lost = changed(apply(c, new PartyLost(VISITOR), Duration.ofSeconds(25))); // due at +45
            CallRecord m = changed(apply(lost, new Tick(), Duration.ofSeconds(300))); // ring timeout (+30) came first
            assertThat(m.state()).isEqualTo(CallState.MISSED);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CallState.class, names = {"RINGING", "ACCEPTED", "CONNECTING", "CONNECTED"})
    void sessionClosingEndsEveryLiveCall(CallState from) {
        CallRecord c = switch (from) {
            case RINGING -> visitorCall();
            case ACCEPTED -> accepted(visitorCall());
            case CONNECTING -> changed(apply(accepted(visitorCall()), new Signal(VISITOR, SignalKind.ANSWER), Duration.ofSeconds(6)));
            default -> connected(visitorCall());
        };
        assertThat(c.state()).isEqualTo(from);
        CallRecord done = changed(apply(c, new SessionClosed(), Duration.ofSeconds(9)));
        assertThat(done.state()).isEqualTo(from == CallState.RINGING ? CallState.CANCELLED : CallState.ENDED);
        assertThat(done.endReason()).isEqualTo("session_ended");
    }

    @ParameterizedTest
    @EnumSource(value = CallState.class, names = {"ENDED", "DECLINED", "MISSED", "CANCELLED", "FAILED"})
    void terminalStatesNeverChange(CallState terminal) {
        CallRecord c = switch (terminal) {
            case ENDED -> changed(apply(connected(visitorCall()), new End(VISITOR, null), Duration.ofSeconds(9)));
            case DECLINED -> changed(apply(visitorCall(), new Decline(PHONE), Duration.ofSeconds(1)));
            case MISSED -> changed(apply(visitorCall(), new Tick(), Duration.ofSeconds(31)));
            case CANCELLED -> changed(apply(visitorCall(), new Cancel(VISITOR), Duration.ofSeconds(1)));
            default -> changed(apply(accepted(visitorCall()), new Tick(), Duration.ofSeconds(60)));
        };
        assertThat(c.state()).isEqualTo(terminal);
        List<Event> all = List.of(new Accept(PHONE), new Accept(LAPTOP), new Decline(PHONE), new Cancel(VISITOR),
                new End(VISITOR, null), new End(PHONE, "media_failed"), new Signal(VISITOR, SignalKind.ANSWER),
                new MediaConnected(PHONE, "relay/udp", 5), new PartyLost(VISITOR), new PartyBack(VISITOR),
                new Tick(), new SessionClosed());
        for (Event e : all) {
            Result r = apply(c, e, Duration.ofHours(1));
            assertThat(r).as(e.toString()).isNotInstanceOf(Changed.class);
            assertThat(r.call()).as(e.toString()).isSameAs(c);
        }
    }
}
