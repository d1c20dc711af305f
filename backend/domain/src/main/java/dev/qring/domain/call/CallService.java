package dev.qring.domain.call;

import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.call.CallStateMachine.Actor;
import dev.qring.domain.call.CallStateMachine.Changed;
import dev.qring.domain.call.CallStateMachine.Event;
import dev.qring.domain.call.CallStateMachine.Refused;
import dev.qring.domain.call.CallStateMachine.Result;
import dev.qring.domain.call.CallStateMachine.SignalKind;
import dev.qring.domain.db.Database;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-owned calls: persistence, authorization, timers and events around {@link CallStateMachine}.
 *
 * <p><b>Threads.</b> Every public method blocks on JDBC: call it from a virtual thread (the realtime handlers run
 * on one per socket, in arrival order — which is also what keeps one client's signaling in order), never from an
 * event loop. Timers fire on the scheduler and run on {@code timerExecutor} (virtual threads in production).
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Identity comes from the {@link Principal} only: a visitor acts on calls of its own session, a homeowner
 *       on calls of its own sessions ({@code forbidden} otherwise); within a call, {@link CallStateMachine} decides
 *       which role/device may do what.</li>
 *   <li>{@link #start} is idempotent on (session, caller role, clientCallId); the schema keeps at most one
 *       non-terminal call per session ({@code uq_call_live_session}); a second live call is {@code conflict}.</li>
 *   <li>Every change is a compare-and-set on the row's version: concurrent events (two homeowner devices
 *       accepting at once, a hang-up racing a timer) are applied one after the other, so exactly one accept wins
 *       and the loser gets {@code conflict} — also across server instances sharing the database.</li>
 *   <li>{@link CallEvents#callUpdated} and {@link CallMetrics} run once per committed change, after commit.</li>
 *   <li>Deadlines are derived from stored columns (created/answered/lost-at instants), so timers survive a restart:
 *       {@link #recoverTimers(boolean)} re-arms them and applies those that passed while the server was down.</li>
 * </ul>
 */
public final class CallService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallService.class);
    private static final Pattern CLIENT_CALL_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern REASON = Pattern.compile("[a-z_]{1,32}");
    private static final int MAX_ATTEMPTS = 20;
    private static final Duration RETRY_TIMER_AFTER_FAILURE = Duration.ofSeconds(2);

    private final Database db;
    private final CallTimings timings;
    private final Clock clock;
    private final CallScheduler scheduler;
    private final Executor timerExecutor;
    private final CallEvents events;
    private final CallMetrics metrics;
    private final ConcurrentHashMap<UUID, Timer> timers = new ConcurrentHashMap<>();
    /** Live calls as last stored or read here: lets signaling go on while the database is unreachable. */
    private final ConcurrentHashMap<UUID, CallRecord> lastKnown = new ConcurrentHashMap<>();

    /** The armed timer of a call and the call version it was computed from (a stale version never replaces a newer). */
    private record Timer(long version, CallScheduler.Cancellable handle) { }

    /** Where a relayed rtc.* message goes: the other role; for the homeowner side only {@code homeownerDevice}. */
    public record SignalRoute(Call call, CallRole to, String homeownerDevice) { }

    public CallService(Database db, CallTimings timings, Clock clock, CallScheduler scheduler, Executor timerExecutor,
                       CallEvents events, CallMetrics metrics) {
        this.db = Objects.requireNonNull(db);
        this.timings = Objects.requireNonNull(timings);
        this.clock = Objects.requireNonNull(clock);
        this.scheduler = Objects.requireNonNull(scheduler);
        this.timerExecutor = Objects.requireNonNull(timerExecutor);
        this.events = events == null ? CallEvents.NONE : events;
        this.metrics = metrics == null ? CallMetrics.NONE : metrics;
    }

    /** Production wiring: real clock, one timer thread, ticks on the database's virtual threads. */
    public static CallService create(Database db, CallTimings timings, CallEvents events, CallMetrics metrics) {
        Clock clock = Clock.systemUTC();
        return new CallService(db, timings, clock, CallScheduler.system(clock), db.executor(), events, metrics);
    }

    public CallTimings timings() { return timings; }

    // ---- commands from the parties -----------------------------------------------------------------------------

    /**
     * Starts a call in an {@code active} session, ringing the other side. A repeated {@code clientCallId} from the
     * same side returns the call it created (whatever its state now), without a second ring.
     *
     * @throws DomainException {@code invalid} (clientCallId, media), {@code not_found} (session), {@code forbidden}
     *                         (not a party), {@code conflict} (session not active, or another live call — then a
     *                         {@link CallRefusedException} carrying that call)
     */
    public Call start(Principal principal, UUID sessionId, String clientCallId, String media) {
        Objects.requireNonNull(principal);
        if (sessionId == null) throw DomainException.invalid("'sessionId' is required");
        if (clientCallId == null || !CLIENT_CALL_ID.matcher(clientCallId).matches()) {
            throw DomainException.invalid("'clientCallId' must be 1-64 characters of A-Z a-z 0-9 _ . : -");
        }
        CallMedia m = CallMedia.parse(media).orElseThrow(() -> DomainException.invalid("'media' must be audio or video"));
        Actor actor = actor(principal);
        for (int attempt = 1; ; attempt++) {
            try {
                Started s = db.inTransaction(c -> {
                    CallStore.SessionRow session = CallStore.lockSession(c, sessionId)
                            .orElseThrow(() -> DomainException.notFound("no such session"));
                    authorize(principal, session.id(), session.homeownerId());
                    Optional<CallRecord> same = CallStore.findByClientCallId(c, sessionId, actor.role(), clientCallId);
                    if (same.isPresent()) return new Started(same.get(), false);
                    if (!"active".equals(session.status())) {
                        throw DomainException.conflict("calls are possible only in an active session (it is "
                                + session.status() + ")");
                    }
                    Optional<CallRecord> live = CallStore.findLive(c, sessionId);
                    if (live.isPresent()) {
                        throw new CallRefusedException(ErrorCode.CONFLICT, "another call is in progress in this session",
                                live.get().toCall());
                    }
                    CallRecord rec = CallRecord.ringing(UUID.randomUUID(), sessionId, session.homeownerId(), clientCallId,
                            actor.role(), actor.deviceId(), m, now());
                    CallStore.insert(c, rec);
                    return new Started(rec, true);
                });
                remember(s.call());
                if (s.created()) changed(null, s.call());
                return s.call().toCall();
            } catch (DomainException e) {
                // A concurrent start with the same clientCallId (or another instance's live call) committed first:
                // read again, which answers idempotently or with conflict.
                if (!(isRetryable(e) && attempt < MAX_ATTEMPTS)) throw e;
            }
        }
    }

    private record Started(CallRecord call, boolean created) { }

    /** The callee takes the call; on the homeowner side the first device wins, the others get {@code conflict}. */
    public Call accept(Principal principal, UUID callId) {
        return command(principal, callId, new CallStateMachine.Accept(actor(principal)));
    }

    public Call decline(Principal principal, UUID callId) {
        return command(principal, callId, new CallStateMachine.Decline(actor(principal)));
    }

    public Call cancel(Principal principal, UUID callId) {
        return command(principal, callId, new CallStateMachine.Cancel(actor(principal)));
    }

    /**
     * Hangs up. While ringing this cancels (caller) or declines (callee). {@code reason} is optional
     * ({@code [a-z_]{1,32}}); {@code "media_failed"} ends the call as {@code failed} (the clients found no media path).
     */
    public Call end(Principal principal, UUID callId, String reason) {
        if (reason != null && !REASON.matcher(reason).matches()) throw DomainException.invalid("'reason' must match [a-z_]{1,32}");
        return command(principal, callId, new CallStateMachine.End(actor(principal), reason));
    }

    /**
     * Authorizes relaying one rtc.offer / rtc.answer / rtc.candidate and says where it goes. The first answer moves
     * an accepted call to {@code connecting}. Only the parties of an answered call may signal.
     */
    public SignalRoute signal(Principal principal, UUID callId, SignalKind kind) {
        Actor actor = actor(principal);
        CallStateMachine.Signal event = new CallStateMachine.Signal(actor, kind);
        CallRecord rec;
        try {
            rec = applyEvent(principal, requireCallId(callId), event);
        } catch (DomainException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) throw e;
            // The database is unreachable: a live call must still be able to restart ICE (media flows peer to
            // peer; only signaling needs us). Decide on the last state this instance stored or read; nothing is
            // written, the next stored change brings the row up to date.
            rec = fromMemory(principal, callId, event).orElseThrow(() -> e);
        }
        return new SignalRoute(rec.toCall(), actor.role().other(), rec.homeownerDevice());
    }

    private Optional<CallRecord> fromMemory(Principal principal, UUID callId, Event event) {
        CallRecord known = lastKnown.get(callId);
        if (known == null) return Optional.empty();
        authorize(principal, known.sessionId(), known.homeownerId());
        Result r = CallStateMachine.apply(known, event, now(), timings);
        if (r instanceof Refused ref) throw refusal(ref, known);
        log.debug("call {}: signaling allowed from memory while the database is unavailable", callId);
        return Optional.of(r.call());
    }

    /**
     * Records a validated {@code call.stats} report: the first one (a selected candidate pair) moves the call to
     * {@code connected} with its path and setup time; a later one with another path (after an ICE restart)
     * updates the path. A report for a call that already ended is accepted and ignored.
     */
    public Call recordStats(Principal principal, UUID callId, CallStats stats) {
        if (stats == null) throw DomainException.invalid("stats are required");
        stats.validate();
        Call c = command(principal, callId, new CallStateMachine.MediaConnected(actor(principal), stats.path(), stats.setupMs()));
        safely(() -> metrics.statsReported(stats));
        return c;
    }

    // ---- presence (from the realtime layer) --------------------------------------------------------------------

    /**
     * The principal's last signaling connection went away (a visitor: for its session; a homeowner: for the device of
     * its token). For every live call it is a party of, the reconnect grace starts: unless {@link #partyRejoined}
     * (or any signaling from it) comes in time, the call ends {@code failed}.
     */
    public void partyDisconnected(Principal principal) {
        Objects.requireNonNull(principal);
        Actor actor = actor(principal);
        for (CallRecord rec : liveCallsOf(principal, actor)) presence(principal, rec.id(), new CallStateMachine.PartyLost(actor));
    }

    private List<CallRecord> liveCallsOf(Principal principal, Actor actor) {
        return switch (principal) {
            case VisitorPrincipal v -> activeRecord(v.sessionId()).stream().toList();
            case HomeownerPrincipal h -> db.inTransaction(c -> CallStore.findLiveByDevice(c, h.homeownerId(), actor.deviceId()));
        };
    }

    /**
     * The principal has a signaling connection again (a visitor for its session; a homeowner for its device): the
     * grace timers of its live calls are cancelled. The client learns the call from {@code session.join} and
     * restarts ICE.
     */
    public void partyRejoined(Principal principal) {
        Objects.requireNonNull(principal);
        Actor actor = actor(principal);
        for (CallRecord rec : liveCallsOf(principal, actor)) presence(principal, rec.id(), new CallStateMachine.PartyBack(actor));
    }

    /** The visitor session ended (either side, or expiry): its live call, if any, ends with it. */
    public void sessionEnded(UUID sessionId) {
        activeRecord(sessionId).ifPresent(rec -> {
            try {
                applyEvent(null, rec.id(), new CallStateMachine.SessionClosed());
            } catch (DomainException e) {
                log.warn("could not end call {} with its session: {}", rec.id(), e.toString());
            }
        });
    }

    // ---- queries -----------------------------------------------------------------------------------------------

    /** The session's non-terminal call, if any (for {@code session.join}'s {@code activeCall}). */
    public Optional<Call> activeCall(UUID sessionId) {
        return activeRecord(sessionId).map(CallRecord::toCall);
    }

    /** A call the principal may see. */
    public Call get(Principal principal, UUID callId) {
        CallRecord rec = db.inTransaction(c -> CallStore.find(c, requireCallId(callId)))
                .orElseThrow(() -> DomainException.notFound("no such call"));
        authorize(principal, rec.sessionId(), rec.homeownerId());
        return rec.toCall();
    }

    // ---- timers ------------------------------------------------------------------------------------------------

    /**
     * Call once at startup of a SINGLE instance: re-arms the timer of every live call and applies deadlines that
     * passed while the server was down. A restart dropped every signaling connection, so the parties of live calls
     * are marked lost now: they have the reconnect grace to re-join. Returns the number of live calls found.
     * With several instances sharing the database use {@link #recoverTimers(boolean) recoverTimers(true)}.
     */
    public int recoverTimers() {
        return recoverTimers(false);
    }

    /**
     * Call once at startup. Re-arms the timer of every live call and applies the deadlines that already passed
     * (ring timeout, setup timeout, a reconnect grace some instance started): safe from any number of instances,
     * because a tick only changes a call whose stored deadline passed, terminal states never change and every change
     * is a compare-and-set on the row.
     *
     * <p>{@code clustered == false} (one instance): this instance held every signaling connection, so the restart
     * dropped them all and both parties of every live call are marked lost (they have the grace to re-join).
     * {@code clustered == true}: parties may be connected to OTHER instances, which this one cannot see (presence is
     * per instance), so nobody is marked lost — a party whose instance died is noticed only when it reconnects
     * somewhere and drops again, by the other party hanging up, by a deadline, or when the session closes.
     * Returns the number of live calls found.
     */
    public int recoverTimers(boolean clustered) {
        List<CallRecord> live = db.inTransaction(CallStore::findAllLive);
        for (CallRecord rec : live) {
            try {
                CallRecord r = rec;
                if (!clustered) {
                    r = applyEvent(null, rec.id(), new CallStateMachine.PartyLost(new Actor(CallRole.VISITOR, "visitor")));
                    if (r.homeownerDevice() != null && !r.state().terminal()) {
                        r = applyEvent(null, rec.id(), new CallStateMachine.PartyLost(new Actor(CallRole.HOMEOWNER, r.homeownerDevice())));
                    }
                }
                arm(r);
                tick(rec.id());
            } catch (DomainException e) {
                log.warn("timer recovery of call {} failed: {}", rec.id(), e.toString());
                retryLater(rec.id());
            }
        }
        return live.size();
    }

    /** Applies every passed deadline of one call (also run by its timer). */
    void tick(UUID callId) {
        try {
            CallRecord rec = applyEvent(null, callId, new CallStateMachine.Tick());
            arm(rec);
        } catch (DomainException e) {
            if (e.code() == ErrorCode.NOT_FOUND) return;
            log.warn("call timer {} failed, retrying: {}", callId, e.toString());
            retryLater(callId);
        }
    }

    /**
     * The safety net behind the per-call timers: ends live calls whose session is no longer active (whatever
     * ended it — a session end that did not reach {@link #sessionEnded}, a token expiry) and applies any deadline
     * that passed without its timer firing (e.g. the change was made by another instance). Returns how many calls
     * changed.
     */
    public int sweep() {
        int changed = 0;
        for (UUID id : db.inTransaction(CallStore::findLiveInClosedSessions)) {
            try {
                applyEvent(null, id, new CallStateMachine.SessionClosed());
                changed++;
            } catch (DomainException e) {
                log.warn("could not end call {} of a closed session: {}", id, e.toString());
            }
        }
        Instant now = now();
        for (CallRecord rec : db.inTransaction(CallStore::findAllLive)) {
            Optional<Instant> due = CallStateMachine.nextDeadline(rec, timings);
            if (due.isPresent() && !due.get().isAfter(now)) {
                tick(rec.id());
                changed++;
            }
        }
        return changed;
    }

    /** Runs {@link #sweep()} every {@code every} until {@link #close()}. */
    public void startSweeper(Duration every) {
        if (closed) return;
        sweeper = scheduler.schedule(now().plus(every), () -> timerExecutor.execute(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("call sweep failed: {}", e.toString());
            } finally {
                startSweeper(every);
            }
        }));
    }

    private volatile boolean closed;
    private volatile CallScheduler.Cancellable sweeper;

    @Override
    public void close() {
        closed = true;
        CallScheduler.Cancellable s = sweeper;
        if (s != null) s.cancel();
        timers.values().forEach(t -> t.handle().cancel());
        timers.clear();
        scheduler.close();
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private Call command(Principal principal, UUID callId, Event event) {
        Objects.requireNonNull(principal);
        return applyEvent(principal, requireCallId(callId), event).toCall();
    }

    /** Presence changes never fail the caller: a refusal (not a party, e.g. another session) is ignored. */
    private void presence(Principal principal, UUID callId, Event event) {
        try {
            applyEvent(principal, callId, event);
        } catch (DomainException e) {
            if (e.code() == ErrorCode.UNAVAILABLE) throw e;
            log.debug("presence event on call {} ignored: {}", callId, e.toString());
        }
    }

    private Optional<CallRecord> activeRecord(UUID sessionId) {
        if (sessionId == null) return Optional.empty();
        return db.inTransaction(c -> CallStore.findLive(c, sessionId));
    }

    /**
     * Load, decide, compare-and-set, publish. {@code principal} null = the server itself (timers, session end).
     * Returns the call as stored after the event; throws {@link CallRefusedException} when the machine refuses.
     */
    private CallRecord applyEvent(Principal principal, UUID callId, Event event) {
        for (int attempt = 1; ; attempt++) {
            Applied a;
            try {
                a = db.inTransaction(c -> {
                    CallRecord cur = CallStore.find(c, callId).orElseThrow(() -> DomainException.notFound("no such call"));
                    if (principal != null) authorize(principal, cur.sessionId(), cur.homeownerId());
                    Result r = CallStateMachine.apply(cur, event, now(), timings);
                    if (r instanceof Changed ch) {
                        CallRecord next = ch.call().withVersion(cur.version() + 1);
                        if (!CallStore.update(c, next, cur.version())) return null; // someone else changed it first
                        return new Applied(cur, next, null);
                    }
                    return new Applied(cur, r.call(), r instanceof Refused ref ? ref : null);
                });
            } catch (DomainException e) {
                if (isRetryable(e) && attempt < MAX_ATTEMPTS) continue;
                throw e;
            }
            if (a == null) {
                if (attempt < MAX_ATTEMPTS) continue;
                throw new DomainException(ErrorCode.UNAVAILABLE, "the call is changing too fast, try again");
            }
            remember(a.after());
            if (a.refused() != null) throw refusal(a.refused(), a.after());
            if (a.after() != a.before()) changed(a.before(), a.after());
            return a.after();
        }
    }

    private record Applied(CallRecord before, CallRecord after, Refused refused) { }

    private static CallRefusedException refusal(Refused r, CallRecord current) {
        return new CallRefusedException(r.refusal() == CallStateMachine.Refusal.FORBIDDEN ? ErrorCode.FORBIDDEN
                : ErrorCode.CONFLICT, r.message(), current.toCall());
    }

    /** Keeps the newest version of each live call this instance has seen (for signaling during an outage). */
    private void remember(CallRecord r) {
        if (r.state().terminal()) lastKnown.remove(r.id());
        else lastKnown.merge(r.id(), r, (old, n) -> n.version() >= old.version() ? n : old);
    }

    /** After commit: re-arm the timer, publish, count. */
    private void changed(CallRecord before, CallRecord after) {
        arm(after);
        Call call = after.toCall();
        safely(() -> events.callUpdated(call, after.homeownerId()));
        if (after.state().terminal() && (before == null || !before.state().terminal())) safely(() -> metrics.callFinished(call));
        if (after.state() == CallState.CONNECTED && (before == null || before.state() != CallState.CONNECTED)) {
            safely(() -> metrics.callConnected(call));
        }
    }

    /** Arms (or disarms) the call's single timer for its next deadline, unless a newer version already did. */
    private void arm(CallRecord rec) {
        Optional<Instant> next = CallStateMachine.nextDeadline(rec, timings);
        timers.compute(rec.id(), (id, old) -> {
            if (old != null && old.version() > rec.version()) return old;
            if (old != null) old.handle().cancel();
            if (next.isEmpty()) return null;
            return new Timer(rec.version(), scheduler.schedule(next.get(), () -> timerExecutor.execute(() -> tick(id))));
        });
    }

    private void retryLater(UUID callId) {
        timers.compute(callId, (id, old) -> {
            if (old != null) old.handle().cancel();
            return new Timer(Long.MAX_VALUE, scheduler.schedule(now().plus(RETRY_TIMER_AFTER_FAILURE),
                    () -> timerExecutor.execute(() -> {
                        timers.remove(id);
                        tick(id);
                    })));
        });
    }

    static Actor actor(Principal p) {
        return switch (p) {
            case HomeownerPrincipal h -> new Actor(CallRole.HOMEOWNER, Objects.requireNonNullElse(h.tokenId(), "homeowner"));
            case VisitorPrincipal v -> new Actor(CallRole.VISITOR, "visitor");
        };
    }

    private static void authorize(Principal p, UUID sessionId, UUID homeownerId) {
        boolean ok = switch (p) {
            case HomeownerPrincipal h -> h.homeownerId().equals(homeownerId);
            case VisitorPrincipal v -> v.sessionId().equals(sessionId);
        };
        if (!ok) throw DomainException.forbidden("not a party of this session");
    }

    private static UUID requireCallId(UUID callId) {
        if (callId == null) throw DomainException.invalid("'callId' is required");
        return callId;
    }

    /** Unique violations (a concurrent insert won) and serialization failures / lock timeouts are retried. */
    private static boolean isRetryable(DomainException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if ("23505".equals(state) || "40001".equals(state) || "40P01".equals(state)) return true;
                if (s.getErrorCode() == 90131 /* H2 concurrent update */ || s.getErrorCode() == 50200 /* H2 lock timeout */) return true;
            }
        }
        return false;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("call listener failed", e);
        }
    }
}
