package dev.qring.domain.visitor;

import dev.qring.domain.DomainEvents;
import dev.qring.domain.DomainException;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.TokenGrant;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.db.Database;
import dev.qring.domain.door.Door;
import dev.qring.domain.support.Jdbc;
import dev.qring.domain.support.RateLimiter;
import dev.qring.domain.support.Text;
import dev.qring.domain.support.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Visitor sessions: creation from a QR slug (idempotent on the client's requestId), visitor tokens, the status
 * machine of {@link SessionStatus}, and the server-side timers.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>One (door, requestId) → one session, always (unique constraint; a concurrent duplicate falls back to the
 *       replay path). A replay returns the same session and a fresh token; earlier tokens stay valid.</li>
 *   <li>A visitor token ({@code qv_}, 256 random bits, stored as SHA-256, valid {@code visitorTokenTtl}) reaches its
 *       own session only. A homeowner reaches only their own sessions. Anything else answers {@code not_found}
 *       (existence is not revealed); a visitor trying a homeowner-only action gets {@code forbidden}.</li>
 *   <li>Transitions are conditional updates, so concurrent devices cannot both win; terminal states never change.
 *       accept on an active session, decline on a declined one and end on a declined/ended one return the session
 *       unchanged (idempotent retries); any other transition out of place is {@code conflict}.</li>
 *   <li>Ring timeout: ringing → missed after {@code ringTimeout}, owned by the server. The deadline is stored, a timer
 *       fires at it, and a periodic sweep (also run at start) catches anything a restart or another instance left
 *       behind. The same sweep ends live sessions whose visitor token expired ({@code expired}).</li>
 *   <li>Rings (new sessions) are rate-limited per door and per client address ({@code rate_limited}); replays are not
 *       counted.</li>
 *   <li>{@link DomainEvents} and change listeners are called after commit.</li>
 * </ul>
 */
public final class VisitorSessionService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VisitorSessionService.class);
    public static final String TOKEN_PREFIX = "qv_";
    static final String SELECT = "SELECT s.id, s.door_id, d.label AS door_label, s.homeowner_id, s.status, s.visitor_name,"
            + " s.purpose, s.created_at, s.answered_at, s.ended_at, s.end_reason FROM visitor_session s JOIN door d ON d.id = s.door_id ";
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(10);

    private final Database db;
    private final DomainSettings settings;
    private final Clock clock;
    private final DomainEvents events;
    private final RateLimiter perDoor;
    private final RateLimiter perAddress;
    private final List<Consumer<VisitorSession>> changeListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qring-session-timers").daemon(true).factory());

    public VisitorSessionService(Database db, DomainSettings settings, DomainEvents events) {
        this.db = db;
        this.settings = settings;
        this.clock = settings.clock();
        this.events = events;
        DomainSettings.Limits l = settings.limits();
        this.perDoor = new RateLimiter(l.ringsPerDoor(), l.ringsPerDoorWindow(), clock);
        this.perAddress = new RateLimiter(l.ringsPerAddress(), l.ringsPerAddressWindow(), clock);
    }

    /** Sweeps overdue sessions, schedules the ring timers of those still ringing, starts the periodic sweep. */
    public void start() {
        try {
            List<Object[]> ringing = db.inTransaction(c -> {
                List<Object[]> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, ring_deadline FROM visitor_session WHERE status = 'ringing'")) {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(new Object[]{Jdbc.getUuid(rs, "id"), Jdbc.getInstant(rs, "ring_deadline")});
                    }
                }
                return out;
            });
            for (Object[] r : ringing) scheduleRingTimeout((UUID) r[0], (Instant) r[1]);
        } catch (RuntimeException e) {
            log.warn("could not schedule ring timers at start (the periodic sweep will catch up): {}", e.toString());
        }
        timers.scheduleWithFixedDelay(() -> sweep().exceptionally(t -> {
            log.warn("session sweep failed: {}", DomainException.of(t).getMessage());
            return 0;
        }), 0, SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Adds a listener called after every committed status change (e.g. the calls service ends live calls). */
    public void addChangeListener(Consumer<VisitorSession> listener) { changeListeners.add(listener); }

    /**
     * Creates (or replays) a session at the door behind {@code qrSlug} and rings the homeowner.
     * NOT_FOUND unknown/deleted door, FORBIDDEN inactive door, INVALID bad input, RATE_LIMITED too many rings.
     */
    public CompletableFuture<Created> create(String qrSlug, String requestId, String visitorName, String purpose,
                                             String clientAddress) {
        final String rid;
        final String name;
        final String why;
        try {
            if (qrSlug == null || qrSlug.isEmpty() || qrSlug.length() > 64) throw DomainException.notFound("door not found");
            rid = Text.clientKey("requestId", requestId, 100);
            name = Text.required("visitorName", visitorName, 1, 100);
            why = purpose == null ? "" : Text.required("purpose", purpose, 0, 500);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        String address = clientAddress == null || clientAddress.isBlank() ? "unknown" : clientAddress;
        return db.supply(() -> {
            CreateOutcome out;
            try {
                out = db.inTransaction(c -> createTx(c, qrSlug, rid, name, why, address));
            } catch (DomainException e) {
                // Two identical requests raced and the other inserted first: the retry takes the replay path.
                if (!(e.getCause() instanceof SQLException s && Database.isUniqueViolation(s))) throw e;
                out = db.inTransaction(c -> createTx(c, qrSlug, rid, name, why, address));
            }
            return out;
        }).thenApply(out -> {
            if (!out.created().replay()) {
                scheduleRingTimeout(out.created().session().id(), out.ringDeadline());
                safely(() -> events.ring(out.created().session(), out.door()));
            }
            return out.created();
        });
    }

    private record CreateOutcome(Created created, Door door, Instant ringDeadline) { }

    private CreateOutcome createTx(Connection c, String slug, String rid, String name, String purpose, String address)
            throws SQLException {
        Door door;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, homeowner_id, label, qr_slug, active FROM door WHERE qr_slug = ? AND deleted_at IS NULL")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw DomainException.notFound("door not found");
                door = new Door(Jdbc.getUuid(rs, "id"), Jdbc.getUuid(rs, "homeowner_id"), rs.getString("label"),
                        rs.getString("qr_slug"), rs.getBoolean("active"), settings.publicUrl() + "/d/" + slug);
            }
        }
        Instant now = Jdbc.now(clock);
        Instant tokenExpiry = now.plus(settings.visitorTokenTtl());
        String token = Tokens.random(TOKEN_PREFIX, 32);
        UUID existing = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM visitor_session WHERE door_id = ? AND request_id = ?")) {
            ps.setObject(1, door.id());
            ps.setString(2, rid);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) existing = Jdbc.getUuid(rs, "id");
            }
        }
        if (existing != null) {
            insertToken(c, token, existing, now, tokenExpiry);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE visitor_session SET token_expires_at = ? WHERE id = ? AND token_expires_at < ?")) {
                Jdbc.setInstant(ps, 1, tokenExpiry);
                ps.setObject(2, existing);
                Jdbc.setInstant(ps, 3, tokenExpiry);
                ps.executeUpdate();
            }
            return new CreateOutcome(new Created(load(c, existing).orElseThrow(), token, true), door, null);
        }
        if (!door.active()) throw DomainException.forbidden("this door is not accepting visitors right now");
        if (!perDoor.tryAcquire(door.id().toString())) {
            throw new DomainException(ErrorCode.RATE_LIMITED, "this door was rung too often; try again in a minute");
        }
        if (!perAddress.tryAcquire(address)) {
            throw new DomainException(ErrorCode.RATE_LIMITED, "too many rings from this network; try again later");
        }
        UUID id = UUID.randomUUID();
        Instant deadline = now.plus(settings.ringTimeout()).truncatedTo(ChronoUnit.MICROS);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO visitor_session (id, door_id, homeowner_id, request_id,"
                + " visitor_name, purpose, status, created_at, ring_deadline, token_expires_at) VALUES (?,?,?,?,?,?,'ringing',?,?,?)")) {
            ps.setObject(1, id);
            ps.setObject(2, door.id());
            ps.setObject(3, door.homeownerId());
            ps.setString(4, rid);
            ps.setString(5, name);
            ps.setString(6, purpose);
            Jdbc.setInstant(ps, 7, now);
            Jdbc.setInstant(ps, 8, deadline);
            Jdbc.setInstant(ps, 9, tokenExpiry);
            ps.executeUpdate();
        }
        insertToken(c, token, id, now, tokenExpiry);
        VisitorSession s = new VisitorSession(id, door.id(), door.label(), door.homeownerId(), SessionStatus.RINGING, name,
                purpose, now, null, null, null);
        return new CreateOutcome(new Created(s, token, false), door, deadline);
    }

    private static void insertToken(Connection c, String token, UUID sessionId, Instant now, Instant expires) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO visitor_token (token_hash, session_id, created_at, expires_at) VALUES (?,?,?,?)")) {
            ps.setString(1, Tokens.sha256Hex(token));
            ps.setObject(2, sessionId);
            Jdbc.setInstant(ps, 3, now);
            Jdbc.setInstant(ps, 4, expires);
            ps.executeUpdate();
        }
    }

    /** The principal for a valid, unexpired {@code qv_} token; empty otherwise. */
    public CompletableFuture<Optional<VisitorPrincipal>> authenticateVisitor(String token) {
        return authenticateVisitorWithExpiry(token).thenApply(g -> g.map(TokenGrant::principal));
    }

    /** Like {@link #authenticateVisitor}, plus when the token expires (long-lived connections end then). */
    public CompletableFuture<Optional<TokenGrant<VisitorPrincipal>>> authenticateVisitorWithExpiry(String token) {
        if (!Tokens.looksLike(token, TOKEN_PREFIX)) return CompletableFuture.completedFuture(Optional.empty());
        String hash = Tokens.sha256Hex(token);
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.id, s.door_id, s.homeowner_id, t.expires_at FROM visitor_token t"
                    + " JOIN visitor_session s ON s.id = t.session_id WHERE t.token_hash = ? AND t.expires_at > ?")) {
                ps.setString(1, hash);
                Jdbc.setInstant(ps, 2, Jdbc.now(clock));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new TokenGrant<>(new VisitorPrincipal(Jdbc.getUuid(rs, "id"), Jdbc.getUuid(rs, "door_id"),
                            Jdbc.getUuid(rs, "homeowner_id")), Jdbc.getInstant(rs, "expires_at")));
                }
            }
        });
    }

    /** The session, if {@code principal} may see it; NOT_FOUND otherwise. */
    public CompletableFuture<VisitorSession> get(Principal principal, UUID sessionId) {
        return db.async(c -> loadAuthorized(c, principal, sessionId));
    }

    /** Loads a session inside a caller's transaction and checks access (for other services, e.g. calls). */
    public static VisitorSession loadAuthorized(Connection c, Principal principal, UUID sessionId) throws SQLException {
        if (sessionId == null) throw DomainException.invalid("sessionId is required");
        VisitorSession s = load(c, sessionId).orElse(null);
        if (s == null || !canAccess(principal, s)) throw DomainException.notFound("session not found");
        return s;
    }

    /** True when {@code principal} is this session's homeowner or holds this session's visitor token. */
    public static boolean canAccess(Principal principal, VisitorSession s) {
        return switch (principal) {
            case HomeownerPrincipal h -> h.homeownerId().equals(s.homeownerId());
            case VisitorPrincipal v -> v.sessionId().equals(s.id());
        };
    }

    public static Optional<VisitorSession> load(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE s.id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    static VisitorSession map(ResultSet rs) throws SQLException {
        return new VisitorSession(Jdbc.getUuid(rs, "id"), Jdbc.getUuid(rs, "door_id"), rs.getString("door_label"),
                Jdbc.getUuid(rs, "homeowner_id"), SessionStatus.fromWire(rs.getString("status")),
                rs.getString("visitor_name"), rs.getString("purpose"), Jdbc.getInstant(rs, "created_at"),
                Jdbc.getInstant(rs, "answered_at"), Jdbc.getInstant(rs, "ended_at"), rs.getString("end_reason"));
    }

    /**
     * A homeowner's sessions, newest first. {@code status} (wire form) filters; {@code before} is the {@code next}
     * cursor of the previous page; {@code limit} 1..100 (default 20).
     */
    public CompletableFuture<SessionPage> list(HomeownerPrincipal principal, String status, String before, int limit) {
        final SessionStatus filter;
        final Cursor cursor;
        try {
            filter = status == null || status.isEmpty() ? null : SessionStatus.fromWire(status);
            cursor = before == null || before.isEmpty() ? null : Cursor.parse(before);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        int n = limit <= 0 ? 20 : Math.min(limit, 100);
        return db.async(c -> {
            StringBuilder sql = new StringBuilder(SELECT).append("WHERE s.homeowner_id = ?");
            if (filter != null) sql.append(" AND s.status = ?");
            if (cursor != null) sql.append(" AND (s.created_at < ? OR (s.created_at = ? AND s.id < ?))");
            sql.append(" ORDER BY s.created_at DESC, s.id DESC LIMIT ?");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setObject(i++, principal.homeownerId());
                if (filter != null) ps.setString(i++, filter.wire());
                if (cursor != null) {
                    Jdbc.setInstant(ps, i++, cursor.createdAt());
                    Jdbc.setInstant(ps, i++, cursor.createdAt());
                    ps.setObject(i++, cursor.id());
                }
                ps.setInt(i, n + 1);
                List<VisitorSession> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(map(rs));
                }
                String next = null;
                if (out.size() > n) {
                    out = new ArrayList<>(out.subList(0, n));
                    VisitorSession last = out.get(n - 1);
                    next = new Cursor(last.createdAt(), last.id()).format();
                }
                return new SessionPage(out, next);
            }
        });
    }

    /** Opaque page cursor: {@code <createdAt epoch micros>.<session id>}. */
    record Cursor(Instant createdAt, UUID id) {
        String format() { return ChronoUnit.MICROS.between(Instant.EPOCH, createdAt) + "." + id; }

        static Cursor parse(String s) {
            try {
                int dot = s.indexOf('.');
                long micros = Long.parseLong(s.substring(0, dot));
                return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(s.substring(dot + 1)));
            } catch (RuntimeException e) {
                throw DomainException.invalid("before is not a valid cursor");
            }
        }
    }

    /** ringing → active. Homeowner only. */
    public CompletableFuture<VisitorSession> accept(Principal principal, UUID sessionId) {
        if (!(principal instanceof HomeownerPrincipal)) {
            return CompletableFuture.failedFuture(DomainException.forbidden("only the homeowner can accept"));
        }
        return transition(principal, sessionId, SessionStatus.ACTIVE,
                "UPDATE visitor_session SET status = 'active', answered_at = ? WHERE id = ? AND status = 'ringing'", null);
    }

    /** ringing → declined (terminal). Homeowner only. */
    public CompletableFuture<VisitorSession> decline(Principal principal, UUID sessionId) {
        if (!(principal instanceof HomeownerPrincipal)) {
            return CompletableFuture.failedFuture(DomainException.forbidden("only the homeowner can decline"));
        }
        return transition(principal, sessionId, SessionStatus.DECLINED,
                "UPDATE visitor_session SET status = 'declined', ended_at = ?, end_reason = 'declined' WHERE id = ? AND status = 'ringing'", null);
    }

    /** ringing | active | missed → ended. Either party; ending a declined/ended session returns it unchanged. */
    public CompletableFuture<VisitorSession> end(Principal principal, UUID sessionId) {
        String reason = principal instanceof HomeownerPrincipal ? "ended_by_homeowner" : "ended_by_visitor";
        return transition(principal, sessionId, SessionStatus.ENDED,
                "UPDATE visitor_session SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ? AND status IN ('ringing','active','missed')",
                reason);
    }

    private CompletableFuture<VisitorSession> transition(Principal principal, UUID sessionId, SessionStatus target,
                                                         String sql, String reason) {
        return db.async(c -> {
            VisitorSession before = loadAuthorized(c, principal, sessionId);
            int updated = update(c, sql, sessionId, reason);
            VisitorSession after = load(c, sessionId).orElseThrow();
            if (updated == 1) return new Changed(after, true);
            if (after.status() == target || (target == SessionStatus.ENDED && after.status().isTerminal())) {
                return new Changed(after, false);
            }
            throw DomainException.conflict("session is " + before.status().wire() + "; cannot become " + target.wire());
        }).thenApply(ch -> {
            if (ch.changed()) announce(ch.session());
            return ch.session();
        });
    }

    private record Changed(VisitorSession session, boolean changed) { }

    private int update(Connection c, String sql, UUID sessionId, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            Jdbc.setInstant(ps, i++, Jdbc.now(clock));
            if (reason != null) ps.setString(i++, reason);
            ps.setObject(i, sessionId);
            return ps.executeUpdate();
        }
    }

    /** Ends every live session at a door (door deleted). */
    public CompletableFuture<Void> endAllAtDoor(UUID doorId, String reason) {
        return db.async(c -> {
            List<UUID> ids = ids(c, "SELECT id FROM visitor_session WHERE door_id = ? AND status IN ('ringing','active','missed')", doorId, null);
            List<VisitorSession> ended = new ArrayList<>();
            for (UUID id : ids) {
                if (update(c, "UPDATE visitor_session SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ? AND status IN ('ringing','active','missed')", id, reason) == 1) {
                    ended.add(load(c, id).orElseThrow());
                }
            }
            return ended;
        }).thenAccept(list -> list.forEach(this::announce));
    }

    /**
     * Moves overdue ringing sessions to missed and ends live sessions whose visitor token expired. Returns how many
     * sessions changed. Safe to run concurrently with everything else (conditional updates), also from several
     * instances.
     */
    public CompletableFuture<Integer> sweep() {
        return db.async(c -> {
            Instant now = Jdbc.now(clock);
            List<VisitorSession> changed = new ArrayList<>();
            for (UUID id : ids(c, "SELECT id FROM visitor_session WHERE status = 'ringing' AND ring_deadline <= ?", null, now)) {
                if (markMissed(c, id, now)) changed.add(load(c, id).orElseThrow());
            }
            for (UUID id : ids(c, "SELECT id FROM visitor_session WHERE status IN ('ringing','active','missed') AND token_expires_at <= ?", null, now)) {
                if (update(c, "UPDATE visitor_session SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ? AND status IN ('ringing','active','missed')", id, "expired") == 1) {
                    changed.add(load(c, id).orElseThrow());
                }
            }
            return changed;
        }).thenApply(list -> {
            list.forEach(this::announce);
            return list.size();
        });
    }

    private static List<UUID> ids(Connection c, String sql, UUID param, Instant time) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) ps.setObject(1, param); else Jdbc.setInstant(ps, 1, time);
            List<UUID> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(Jdbc.getUuid(rs, "id"));
            }
            return out;
        }
    }

    private static boolean markMissed(Connection c, UUID id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE visitor_session SET status = 'missed' WHERE id = ? AND status = 'ringing' AND ring_deadline <= ?")) {
            ps.setObject(1, id);
            Jdbc.setInstant(ps, 2, now);
            return ps.executeUpdate() == 1;
        }
    }

    private void scheduleRingTimeout(UUID id, Instant deadline) {
        long delay = Math.max(0, Duration.between(clock.instant(), deadline).toMillis()) + 20;
        try {
            timers.schedule(() -> db.async(c -> markMissed(c, id, Jdbc.now(clock)) ? load(c, id).orElseThrow() : null)
                    .whenComplete((s, t) -> {
                        if (s != null) announce(s);
                        if (t != null) log.warn("ring timeout of {} failed (the sweep retries): {}", id, DomainException.of(t).getMessage());
                    }), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // shutting down: the next start's sweep handles it
        }
    }

    private void announce(VisitorSession s) {
        for (Consumer<VisitorSession> l : changeListeners) safely(() -> l.accept(s));
        safely(() -> events.sessionUpdated(s));
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("event listener failed", e);
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
