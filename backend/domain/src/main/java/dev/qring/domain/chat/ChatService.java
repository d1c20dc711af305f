package dev.qring.domain.chat;

import dev.qring.domain.DomainEvents;
import dev.qring.domain.DomainException;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.Principal;
import dev.qring.domain.db.Database;
import dev.qring.domain.support.Jdbc;
import dev.qring.domain.support.Text;
import dev.qring.domain.visitor.VisitorSessionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Chat in a visitor session.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #send} completes only after the message is durably committed, or with {@code not_saved} within
 *       {@code chatSaveTimeout}; a {@code not_saved} send is never committed afterwards except in the one case a
 *       database cannot rule out (COMMIT outcome unknown), which a retry resolves — see {@link ChatWriter}.</li>
 *   <li>Idempotent on (session, sender role, clientId): a retry returns the stored message, never a second row.</li>
 *   <li>{@code seq} is per session, starts at 1, gap-free and monotonic (allocated under the session row lock in the
 *       inserting transaction).</li>
 *   <li>Text is trimmed, plain (no control characters but newline/tab), 1..2000 characters; clientId 1..100
 *       printable ASCII. Bad input → {@code invalid}, nothing stored.</li>
 *   <li>Only the session's homeowner and its visitor may read or write; others get {@code not_found}. Sending needs a
 *       session in ringing, active or missed ({@code conflict} otherwise).</li>
 *   <li>{@link DomainEvents#messageStored} after commit, in seq order per session, and before the sender's future
 *       completes (when a sender holds its ack, the fan-out already has the message).</li>
 * </ul>
 */
public final class ChatService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChatService.class);
    public static final int MAX_TEXT = 2000;
    public static final int MAX_CLIENT_ID = 100;
    public static final int MAX_HISTORY = 500;

    private final Database db;
    private final DomainSettings settings;
    private final DomainEvents events;
    /**
     * Group-commit writers, each owning the sessions that hash to it (so per-session order and row locking stay
     * single-threaded). Two let one batch fill and lock while the other waits for its commit's WAL flush.
     */
    private final ChatWriter[] writers;
    static final int WRITERS = Integer.getInteger("qring.chat.writers", 2);

    public ChatService(Database db, DomainSettings settings, DomainEvents events) {
        this.db = db;
        this.settings = settings;
        this.events = events;
        this.writers = new ChatWriter[Math.max(1, WRITERS)];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new ChatWriter(db, settings.clock(), settings.chatSaveTimeout(), this::announce, "qring-chat-writer-" + i);
        }
    }

    /** Stores a message (group-committed) and answers after commit; see the class guarantees. */
    public CompletableFuture<SendResult> send(Principal principal, UUID sessionId, String clientId, String text) {
        final String body;
        final String cid;
        try {
            if (principal == null) throw new DomainException(dev.qring.domain.ErrorCode.UNAUTHORIZED, "not signed in");
            if (sessionId == null) throw DomainException.invalid("sessionId is required");
            cid = Text.clientKey("clientId", clientId, MAX_CLIENT_ID);
            body = Text.required("text", text, 1, MAX_TEXT);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writers[Math.floorMod(sessionId.hashCode(), writers.length)].submit(principal, sessionId, cid, body);
    }

    /** Messages with seq > {@code afterSeq}, ordered by seq, at most {@code limit} (1..500, default 100). */
    public CompletableFuture<List<Message>> history(Principal principal, UUID sessionId, long afterSeq, int limit) {
        if (afterSeq < 0) return CompletableFuture.failedFuture(DomainException.invalid("afterSeq must be >= 0"));
        int n = limit <= 0 ? 100 : Math.min(limit, MAX_HISTORY);
        return db.async(c -> {
            VisitorSessionService.loadAuthorized(c, principal, sessionId);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, session_id, seq, client_id, sender_role, body, created_at"
                    + " FROM message WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setObject(1, sessionId);
                ps.setLong(2, afterSeq);
                ps.setInt(3, n);
                List<Message> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(map(rs));
                }
                return out;
            }
        });
    }

    /**
     * Moves the caller's read marker forward to {@code uptoSeq} (capped at the last seq; never moves back) and
     * persists it. Announces {@link DomainEvents#readMarker} when it moved.
     */
    public CompletableFuture<ReadMarkers> markRead(Principal principal, UUID sessionId, long uptoSeq) {
        if (uptoSeq < 0) return CompletableFuture.failedFuture(DomainException.invalid("uptoSeq must be >= 0"));
        String column = principal instanceof dev.qring.domain.HomeownerPrincipal ? "homeowner_read_seq" : "visitor_read_seq";
        return db.async(c -> {
            VisitorSessionService.loadAuthorized(c, principal, sessionId);
            int moved;
            try (PreparedStatement ps = c.prepareStatement("UPDATE visitor_session SET " + column + " = LEAST(?, last_seq)"
                    + " WHERE id = ? AND " + column + " < LEAST(?, last_seq)")) {
                ps.setLong(1, uptoSeq);
                ps.setObject(2, sessionId);
                ps.setLong(3, uptoSeq);
                moved = ps.executeUpdate();
            }
            return new Object[]{markers(c, sessionId), moved == 1};
        }).thenApply(r -> {
            ReadMarkers m = (ReadMarkers) r[0];
            if ((Boolean) r[1]) {
                long seq = principal instanceof dev.qring.domain.HomeownerPrincipal ? m.homeownerReadSeq() : m.visitorReadSeq();
                try {
                    events.readMarker(sessionId, principal.role(), seq);
                } catch (RuntimeException e) {
                    log.error("readMarker listener failed", e);
                }
            }
            return m;
        });
    }

    /** Both read markers and the last seq of a session. */
    public CompletableFuture<ReadMarkers> readMarkers(Principal principal, UUID sessionId) {
        return db.async(c -> {
            VisitorSessionService.loadAuthorized(c, principal, sessionId);
            return markers(c, sessionId);
        });
    }

    private static ReadMarkers markers(java.sql.Connection c, UUID sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT visitor_read_seq, homeowner_read_seq, last_seq FROM visitor_session WHERE id = ?")) {
            ps.setObject(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ReadMarkers(sessionId, rs.getLong("visitor_read_seq"), rs.getLong("homeowner_read_seq"), rs.getLong("last_seq"));
            }
        }
    }

    static Message map(ResultSet rs) throws SQLException {
        return new Message(Jdbc.getUuid(rs, "id"), Jdbc.getUuid(rs, "session_id"), rs.getLong("seq"), rs.getString("client_id"),
                rs.getString("sender_role"), rs.getString("body"), Jdbc.getInstant(rs, "created_at"));
    }

    private void announce(Message m) {
        events.messageStored(m);
    }

    /** Sends waiting for the writer (a gauge for metrics). */
    public int queuedSends() {
        int n = 0;
        for (ChatWriter w : writers) n += w.queued();
        return n;
    }

    /**
     * Counters since start, for metrics: committed batches (transactions), messages stored by them, sends answered
     * {@code not_saved}, and sends waiting now. {@code stored / batches} is the mean group-commit size.
     */
    public record Stats(long batches, long stored, long notSaved, int queued) { }

    public Stats stats() {
        long batches = 0, stored = 0, notSaved = 0;
        for (ChatWriter w : writers) {
            batches += w.batches.sum();
            stored += w.stored.sum();
            notSaved += w.notSaved.sum();
        }
        return new Stats(batches, stored, notSaved, queuedSends());
    }

    @Override
    public void close() {
        for (ChatWriter w : writers) w.close();
    }
}
