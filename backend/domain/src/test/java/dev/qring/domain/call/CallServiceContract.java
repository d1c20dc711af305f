package dev.qring.domain.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.call.CallStateMachine.SignalKind;
import dev.qring.domain.db.Database;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link CallService} against a real database: persistence, authorization, timers (driven by {@link ManualTime}),
 * idempotency, the one-live-call rule, restart recovery and concurrent accepts. Runs on H2 and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CallServiceContract {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    protected abstract Database openDatabase() throws Exception;

    protected void closeDatabase() { }

    Database db;
    ManualTime time;
    CallService calls;
    CallCounters counters;
    final List<Call> published = Collections.synchronizedList(new ArrayList<>());

    /** One visitor session (with its homeowner and door) per test. */
    UUID homeownerId;
    UUID sessionId;
    VisitorPrincipal visitor;
    HomeownerPrincipal phone;
    HomeownerPrincipal laptop;

    @BeforeAll
    void openDb() throws Exception {
        db = openDatabase();
    }

    @AfterAll
    void closeDb() {
        if (db != null) db.close();
        closeDatabase();
    }

    @BeforeEach
    void setUp() throws Exception {
        time = new ManualTime(T0);
        counters = new CallCounters();
        published.clear();
        calls = newService();
        homeownerId = UUID.randomUUID();
        sessionId = UUID.randomUUID();
        UUID doorId = UUID.randomUUID();
        insertHomeownerDoorSession(homeownerId, doorId, sessionId, "active");
        visitor = new VisitorPrincipal(sessionId, doorId, homeownerId);
        phone = new HomeownerPrincipal(homeownerId, "tok-phone-" + UUID.randomUUID());
        laptop = new HomeownerPrincipal(homeownerId, "tok-laptop-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        calls.close();
    }

    CallService newService() {
        return new CallService(db, CallTimings.defaults(), time, time, Runnable::run,
                (call, owner) -> published.add(call), counters);
    }

    void insertHomeownerDoorSession(UUID owner, UUID door, UUID session, String status) {
        db.inTransaction(c -> {
            var now = T0.atOffset(ZoneOffset.UTC);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO homeowner (id, email, email_normalized, display_name, "
                    + "password_hash, created_at) VALUES (?, ?, ?, 'H', 'x', ?)")) {
                String email = owner + "@example.test";
                ps.setObject(1, owner); ps.setString(2, email); ps.setString(3, email); ps.setObject(4, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO door (id, homeowner_id, label, qr_slug, active, created_at) "
                    + "VALUES (?, ?, 'Front', ?, TRUE, ?)")) {
                ps.setObject(1, door); ps.setObject(2, owner); ps.setString(3, "slug-" + door); ps.setObject(4, now);
                ps.executeUpdate();
            }
            insertSession(c, owner, door, session, status);
            return null;
        });
    }

    static void insertSession(java.sql.Connection c, UUID owner, UUID door, UUID session, String status) throws SQLException {
        var now = T0.atOffset(ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO visitor_session (id, door_id, homeowner_id, request_id, "
                + "visitor_name, purpose, status, created_at, ring_deadline, token_expires_at) VALUES (?, ?, ?, ?, 'V', 'P', ?, ?, ?, ?)")) {
            ps.setObject(1, session); ps.setObject(2, door); ps.setObject(3, owner); ps.setString(4, "req-" + session);
            ps.setString(5, status); ps.setObject(6, now); ps.setObject(7, now.plusMinutes(1)); ps.setObject(8, now.plusHours(6));
            ps.executeUpdate();
        }
    }

    void setSessionStatus(String status) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE visitor_session SET status = ? WHERE id = ?")) {
                ps.setString(1, status); ps.setObject(2, sessionId);
                return ps.executeUpdate();
            }
        });
    }

    static CallStats relayUdp() {
        return new CallStats(850, "relay", "srflx", "udp", "udp", 42.0, 0.5);
    }

    static void assertRefused(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    Call connectedCall() {
        Call c = calls.start(visitor, sessionId, "cc-" + UUID.randomUUID(), "video");
        calls.accept(phone, c.id());
        calls.signal(visitor, c.id(), SignalKind.OFFER);
        calls.signal(phone, c.id(), SignalKind.ANSWER);
        return calls.recordStats(visitor, c.id(), relayUdp());
    }

    /** A connected video call in a second, active session of the same door (its visitor and the call). */
    record OtherSessionCall(VisitorPrincipal visitor, Call call) { }

    OtherSessionCall connectedCallInAnotherSession(String clientCallId) {
        UUID session = UUID.randomUUID();
        db.inTransaction(c -> { insertSession(c, homeownerId, visitor.doorId(), session, "active"); return null; });
        VisitorPrincipal other = new VisitorPrincipal(session, visitor.doorId(), homeownerId);
        Call live = calls.start(other, session, clientCallId, "video");
        calls.accept(phone, live.id());
        return new OtherSessionCall(other, calls.recordStats(phone, live.id(), relayUdp()));
    }
    // ---- tests ---------------------------------------------------------------------------------------------------

    @Test
    void fullCallIsStoredWithTimesPathAndSetup() {
        Call c = calls.start(visitor, sessionId, "call-1", "video");
        assertThat(c.state()).isEqualTo(CallState.RINGING);
        assertThat(c.initiatorRole()).isEqualTo(CallRole.VISITOR);
        assertThat(c.media()).isEqualTo(CallMedia.VIDEO);
        assertThat(c.createdAt()).isEqualTo(T0);
        time.advance(Duration.ofSeconds(4));
        Call a = calls.accept(phone, c.id());
        assertThat(a.state()).isEqualTo(CallState.ACCEPTED);
        assertThat(a.answeredAt()).isEqualTo(T0.plusSeconds(4));
        CallService.SignalRoute toPhone = calls.signal(visitor, c.id(), SignalKind.OFFER);
        assertThat(toPhone.to()).isEqualTo(CallRole.HOMEOWNER);
        assertThat(toPhone.homeownerDevice()).isEqualTo(phone.tokenId());
        CallService.SignalRoute toVisitor = calls.signal(phone, c.id(), SignalKind.ANSWER);
        assertThat(toVisitor.to()).isEqualTo(CallRole.VISITOR);
        assertThat(toVisitor.call().state()).isEqualTo(CallState.CONNECTING);
        time.advance(Duration.ofSeconds(1));
        Call on = calls.recordStats(phone, c.id(), new CallStats(1200, "relay", "relay", "tcp", "tls", 80.0, 1.0));
        assertThat(on.state()).isEqualTo(CallState.CONNECTED);
        assertThat(on.connectedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(on.path()).isEqualTo("relay/tls");
        assertThat(on.setupMs()).isEqualTo(1200);
        time.advance(Duration.ofMinutes(2));
        Call end = calls.end(visitor, c.id(), null);
        assertThat(end.state()).isEqualTo(CallState.ENDED);
        assertThat(end.endedAt()).isEqualTo(T0.plusSeconds(125));
        assertThat(end.endReason()).isEqualTo("visitor_hangup");

        // What is stored is what was answered; events went out once per change, in order.
        assertThat(calls.get(phone, c.id())).isEqualTo(end);
        assertThat(published).extracting(Call::state).containsExactly(CallState.RINGING, CallState.ACCEPTED,
                CallState.CONNECTING, CallState.CONNECTED, CallState.ENDED);
        assertThat(counters.connected()).containsEntry("relay/tls", 1L);
        assertThat(counters.finished()).containsEntry("ended relay/tls", 1L);
        assertThat(calls.activeCall(sessionId)).isEmpty();
        assertThat(time.pending()).isZero();
    }

    @Test
    void startIsIdempotentOnClientCallIdAndOneLiveCallPerSession() {
        Call first = calls.start(visitor, sessionId, "same", "audio");
        Call again = calls.start(visitor, sessionId, "same", "video"); // a retry: same call, no second ring
        assertThat(again).isEqualTo(first);
        assertThat(published).hasSize(1);
        assertThat(calls.activeCall(sessionId)).contains(first);

        assertThatThrownBy(() -> calls.start(phone, sessionId, "other", "audio"))
                .isInstanceOfSatisfying(CallRefusedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.call().id()).isEqualTo(first.id());
                });
        calls.cancel(visitor, first.id());
        // The retry after the end still returns the original; a new clientCallId starts a new call.
        assertThat(calls.start(visitor, sessionId, "same", "audio").state()).isEqualTo(CallState.CANCELLED);
        Call second = calls.start(phone, sessionId, "other", "audio");
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.initiatorRole()).isEqualTo(CallRole.HOMEOWNER);
    }

    @Test
    void schemaRefusesASecondLiveCallEvenBehindTheServicesBack() {
        Call live = calls.start(visitor, sessionId, "a", "audio");
        CallRecord sneaky = CallRecord.ringing(UUID.randomUUID(), sessionId, homeownerId, "b", CallRole.HOMEOWNER, "x",
                CallMedia.AUDIO, T0);
        assertThatThrownBy(() -> db.inTransaction(c -> { CallStore.insert(c, sneaky); return null; }))
                .isInstanceOf(DomainException.class)
                .satisfies(e -> assertThat(Database.isUniqueViolation((SQLException) e.getCause())).isTrue());
        calls.end(visitor, live.id(), null);
        db.inTransaction(c -> { CallStore.insert(c, sneaky); return null; }); // fine once the first is terminal
        assertThat(calls.activeCall(sessionId)).map(Call::id).contains(sneaky.id());
    }

    @Test
    void startIsRefusedOutsideAnActiveSessionAndForStrangers() {
        assertRefused(() -> calls.start(visitor, sessionId, "bad id!", "audio"), ErrorCode.INVALID);
        assertRefused(() -> calls.start(visitor, sessionId, "x", "hologram"), ErrorCode.INVALID);
        assertRefused(() -> calls.start(visitor, UUID.randomUUID(), "x", "audio"), ErrorCode.NOT_FOUND);
        VisitorPrincipal otherVisitor = new VisitorPrincipal(UUID.randomUUID(), UUID.randomUUID(), homeownerId);
        assertRefused(() -> calls.start(otherVisitor, sessionId, "x", "audio"), ErrorCode.FORBIDDEN);
        HomeownerPrincipal otherOwner = new HomeownerPrincipal(UUID.randomUUID(), "tok-x");
        assertRefused(() -> calls.start(otherOwner, sessionId, "x", "audio"), ErrorCode.FORBIDDEN);
        for (String status : List.of("ringing", "missed", "declined", "ended")) {
            setSessionStatus(status);
            assertRefused(() -> calls.start(visitor, sessionId, "x-" + status, "audio"), ErrorCode.CONFLICT);
        }
        assertThat(published).isEmpty();
        assertThat(calls.activeCall(sessionId)).isEmpty();

        setSessionStatus("active");
        Call c = calls.start(visitor, sessionId, "ok", "audio");
        assertRefused(() -> calls.accept(otherOwner, c.id()), ErrorCode.FORBIDDEN);
        assertRefused(() -> calls.end(otherVisitor, c.id(), null), ErrorCode.FORBIDDEN);
        assertRefused(() -> calls.accept(phone, UUID.randomUUID()), ErrorCode.NOT_FOUND);
        assertRefused(() -> calls.end(visitor, c.id(), "Not A Reason"), ErrorCode.INVALID);
        assertThat(calls.get(visitor, c.id()).state()).isEqualTo(CallState.RINGING);
    }

    @Test
    void ringTimeoutMakesMissedThroughTheTimer() {
        Call c = calls.start(visitor, sessionId, "r", "video");
        time.advance(Duration.ofSeconds(29));
        assertThat(calls.get(visitor, c.id()).state()).isEqualTo(CallState.RINGING);
        time.advance(Duration.ofSeconds(1));
        Call missed = calls.get(visitor, c.id());
        assertThat(missed.state()).isEqualTo(CallState.MISSED);
        assertThat(missed.endReason()).isEqualTo("ring_timeout");
        assertThat(published).extracting(Call::state).containsExactly(CallState.RINGING, CallState.MISSED);
        assertThat(counters.finished()).containsEntry("missed none", 1L);
        assertRefused(() -> calls.accept(phone, c.id()), ErrorCode.CONFLICT);
        assertThat(time.pending()).isZero();
    }

    @Test
    void acceptCancelsTheRingTimerAndArmsTheSetupTimer() {
        Call c = calls.start(visitor, sessionId, "s", "video");
        time.advance(Duration.ofSeconds(10));
        calls.accept(phone, c.id());
        time.advance(Duration.ofSeconds(44)); // past the ring timeout, before the 45 s setup timeout
        assertThat(calls.get(visitor, c.id()).state()).isEqualTo(CallState.ACCEPTED);
        time.advance(Duration.ofSeconds(1));
        Call failed = calls.get(visitor, c.id());
        assertThat(failed.state()).isEqualTo(CallState.FAILED);
        assertThat(failed.endReason()).isEqualTo("setup_timeout");
    }

    @Test
    void partyVanishingPastTheGraceFailsTheCall() {
        Call c = connectedCall();
        time.advance(Duration.ofSeconds(60));
        calls.partyDisconnected(visitor);
        calls.partyDisconnected(laptop); // not a party of this call: no effect
        time.advance(Duration.ofSeconds(19));
        assertThat(calls.get(visitor, c.id()).state()).isEqualTo(CallState.CONNECTED);
        time.advance(Duration.ofSeconds(1));
        Call failed = calls.get(visitor, c.id());
        assertThat(failed.state()).isEqualTo(CallState.FAILED);
        assertThat(failed.endReason()).isEqualTo("visitor_lost");
        assertThat(failed.path()).isEqualTo("relay/udp");
        assertThat(counters.finished()).containsEntry("failed relay/udp", 1L);
    }

    @Test
    void partyBackWithinTheGraceKeepsTheCall() {
        Call c = connectedCall();
        calls.partyDisconnected(phone);
        time.advance(Duration.ofSeconds(15));
        calls.partyRejoined(phone);
        time.advance(Duration.ofMinutes(10));
        assertThat(calls.get(visitor, c.id()).state()).isEqualTo(CallState.CONNECTED);
        // An ICE restart after the reconnect keeps the call as it is.
        assertThat(calls.signal(phone, c.id(), SignalKind.OFFER).call().state()).isEqualTo(CallState.CONNECTED);
        assertThat(time.pending()).isZero();
    }

    @Test
    void twoHomeownerDevicesRacingToAcceptExactlyOneWins() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 10; round++) {
                Call c = calls.start(visitor, sessionId, "race-" + round, "video");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> results = new ArrayList<>();
                for (HomeownerPrincipal device : List.of(phone, laptop)) {
                    results.add(pool.submit(() -> {
                        go.await();
                        try {
                            return calls.accept(device, c.id());
                        } catch (DomainException e) {
                            return e;
                        }
                    }));
                }
                go.countDown();
                List<Object> outcomes = new ArrayList<>();
                for (Future<Object> f : results) outcomes.add(f.get());
                List<Call> wins = outcomes.stream().filter(Call.class::isInstance).map(Call.class::cast).toList();
                List<DomainException> losses = outcomes.stream().filter(DomainException.class::isInstance)
                        .map(DomainException.class::cast).toList();
                assertThat(wins).as("round " + round).hasSize(1);
                assertThat(losses).as("round " + round).hasSize(1);
                assertThat(losses.getFirst().code()).isEqualTo(ErrorCode.CONFLICT);
                Principal winner = wins.getFirst().equals(outcomes.get(0)) ? phone : laptop;
                Principal loser = winner == phone ? laptop : phone;
                // The winner's retry is a duplicate; the loser stays out of the call.
                assertThat(calls.accept(winner, c.id()).state()).isEqualTo(CallState.ACCEPTED);
                assertRefused(() -> calls.signal(loser, c.id(), SignalKind.CANDIDATE), ErrorCode.FORBIDDEN);
                assertThat(calls.signal(winner, c.id(), SignalKind.CANDIDATE).call().state()).isEqualTo(CallState.ACCEPTED);
                calls.end(winner, c.id(), null);
            }
        }
        assertThat(published.stream().filter(c -> c.state() == CallState.ACCEPTED)).hasSize(10);
    }

    @Test
    void statsAreValidatedAndBadOnesChangeNothing() {
        Call c = calls.start(visitor, sessionId, "st", "audio");
        calls.accept(laptop, c.id());
        List<CallStats> bad = List.of(
                new CallStats(null, "relay", "host", "udp", null, null, null),
                new CallStats(-1, "relay", "host", "udp", null, null, null),
                new CallStats(600_001, "relay", "host", "udp", null, null, null),
                new CallStats(10, "turn", "host", "udp", null, null, null),
                new CallStats(10, "relay", "peer", "udp", null, null, null),
                new CallStats(10, "relay", "host", "sctp", null, null, null),
                new CallStats(10, "relay", "host", "udp", "quic", null, null),
                new CallStats(10, "relay", "host", "udp", "udp", -5.0, null),
                new CallStats(10, "relay", "host", "udp", "udp", 5.0, 101.0),
                new CallStats(10, "relay", "host", "udp", "udp", 5.0, Double.NaN));
        for (CallStats s : bad) assertRefused(() -> calls.recordStats(visitor, c.id(), s), ErrorCode.INVALID);
        assertThat(calls.get(visitor, c.id()).state()).isEqualTo(CallState.ACCEPTED);
        // A browser that could not name the selected pair still reports the connection: connected, path unknown.
        Call on = calls.recordStats(visitor, c.id(), new CallStats(0, "unknown", "unknown", "unknown", null, 0.0, 0.0));
        assertThat(on.state()).isEqualTo(CallState.CONNECTED);
        assertThat(on.path()).isNull();
        assertThat(counters.connected()).containsEntry("unknown", 1L);
        Call later = calls.recordStats(laptop, c.id(), new CallStats(600_000, "host", "srflx", "tcp", null, null, null));
        assertThat(later.path()).isEqualTo("direct/tcp");
        assertThat(later.setupMs()).isZero();
    }

    @Test
    void sessionEndEndsTheLiveCall() {
        Call c = connectedCall();
        calls.sessionEnded(sessionId);
        Call ended = calls.get(visitor, c.id());
        assertThat(ended.state()).isEqualTo(CallState.ENDED);
        assertThat(ended.endReason()).isEqualTo("session_ended");
        calls.sessionEnded(sessionId); // nothing live any more: no-op
        assertThat(published.getLast()).isEqualTo(ended);
    }

    @Test
    void sweeperEndsCallsOfClosedSessionsAndCatchesMissedDeadlines() {
        Call live = connectedCall();
        assertThat(calls.sweep()).isZero();
        setSessionStatus("ended"); // ended behind the call service's back (e.g. token expiry)
        assertThat(calls.sweep()).isEqualTo(1);
        Call ended = calls.get(visitor, live.id());
        assertThat(ended.state()).isEqualTo(CallState.ENDED);
        assertThat(ended.endReason()).isEqualTo("session_ended");

        // A call whose timer was lost (another instance changed it, or it was never armed here).
        setSessionStatus("active");
        Call ringing = calls.start(visitor, sessionId, "lost-timer", "audio");
        calls.close(); // drops the armed timer
        calls = newService();
        time.advance(Duration.ofSeconds(31));
        assertThat(calls.get(visitor, ringing.id()).state()).isEqualTo(CallState.RINGING);
        calls.startSweeper(Duration.ofSeconds(5));
        time.advance(Duration.ofSeconds(5));
        assertThat(calls.get(visitor, ringing.id()).state()).isEqualTo(CallState.MISSED);
    }

    @Test
    void timersSurviveARestart() {
        Call ringing = calls.start(visitor, sessionId, "before-restart", "audio");
        // A second session with a connected call whose parties will come back.
        OtherSessionCall other = connectedCallInAnotherSession("live");
        VisitorPrincipal visitor2 = other.visitor();
        Call live = other.call();
        calls.close(); // the server stops: no timer fires any more

        time.advance(Duration.ofMinutes(5)); // down for five minutes
        assertThat(calls.activeCall(sessionId)).isPresent();

        calls = newService();
        assertThat(calls.recoverTimers()).isGreaterThanOrEqualTo(2);
        // The ring deadline passed while down: missed at once.
        assertThat(calls.get(visitor, ringing.id()).state()).isEqualTo(CallState.MISSED);
        // The connected call lost its parties with the restart; they re-join within the grace and it lives on.
        assertThat(calls.get(visitor2, live.id()).state()).isEqualTo(CallState.CONNECTED);
        time.advance(Duration.ofSeconds(10));
        calls.partyRejoined(visitor2);
        calls.partyRejoined(phone);
        time.advance(Duration.ofMinutes(1));
        assertThat(calls.get(visitor2, live.id()).state()).isEqualTo(CallState.CONNECTED);
        calls.end(phone, live.id(), null);
    }

    @Test
    void partiesThatNeverComeBackAfterARestartFailTheCall() {
        Call live = connectedCall();
        calls.close();
        calls = newService();
        calls.recoverTimers();
        calls.partyRejoined(visitor); // only the visitor comes back
        time.advance(Duration.ofSeconds(20));
        Call failed = calls.get(visitor, live.id());
        assertThat(failed.state()).isEqualTo(CallState.FAILED);
        assertThat(failed.endReason()).isEqualTo("homeowner_lost");
    }

    @Test
    void aRetriedHangUpOfARingingCallIsAnsweredWithTheCallNotConflict() {
        Call c = calls.start(visitor, sessionId, "retry-end", "audio");
        Call cancelled = calls.end(visitor, c.id(), null); // hanging up while it rings = cancel
        assertThat(cancelled.state()).isEqualTo(CallState.CANCELLED);
        int events = published.size();
        time.advance(Duration.ofSeconds(1));
        Call again = calls.end(visitor, c.id(), null); // the ack was lost: the client retries
        assertThat(again).isEqualTo(cancelled);
        assertThat(calls.cancel(visitor, c.id())).isEqualTo(cancelled);
        assertThat(published).hasSize(events); // no new call.updated
        // The callee never cancelled: its hang-up no longer fits.
        assertThatThrownBy(() -> calls.end(phone, c.id(), null))
                .isInstanceOfSatisfying(CallRefusedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.call()).isEqualTo(cancelled);
                });

        Call d = calls.start(visitor, sessionId, "retry-decline", "audio");
        Call declined = calls.end(phone, d.id(), null); // the callee hangs up while it rings = decline
        assertThat(declined.state()).isEqualTo(CallState.DECLINED);
        int events2 = published.size();
        assertThat(calls.end(phone, d.id(), null)).isEqualTo(declined);
        assertThat(calls.decline(phone, d.id())).isEqualTo(declined);
        assertThat(published).hasSize(events2);
    }

    @Test
    void clusteredRecoveryReArmsDeadlinesButMarksNobodyLost() {
        Call ringing = calls.start(visitor, sessionId, "cluster-ring", "audio");
        OtherSessionCall other = connectedCallInAnotherSession("cluster-live");
        VisitorPrincipal visitor2 = other.visitor();
        Call live = other.call();
        // Instance A's timers are gone (it crashed, or simply: a timer armed elsewhere); instance B starts. The
        // parties may well be connected to a third instance, so B must not mark them lost.
        calls.close();
        calls = newService();
        time.advance(Duration.ofSeconds(31));
        assertThat(calls.recoverTimers(true)).isGreaterThanOrEqualTo(2);
        // The orphaned ring deadline is applied.
        assertThat(calls.get(visitor, ringing.id()).state()).isEqualTo(CallState.MISSED);
        // Nobody was marked lost: long after the grace the connected call lives on.
        time.advance(Duration.ofMinutes(2));
        assertThat(calls.sweep()).isZero();
        assertThat(calls.get(visitor2, live.id()).state()).isEqualTo(CallState.CONNECTED);
        calls.end(phone, live.id(), null);
    }
}
