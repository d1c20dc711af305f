package dev.qring.domain.call;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * JDBC access to the {@code call} table (V2__calls.sql), plus the two visitor-session columns a call needs.
 * Every method runs on the caller's connection, inside the caller's transaction ({@link CallService} owns the
 * transaction boundaries). Plain SQL understood by PostgreSQL and H2 in PostgreSQL mode.
 */
final class CallStore {
    private CallStore() { }

    /** The visitor session as far as calls care. */
    record SessionRow(UUID id, UUID homeownerId, String status) { }

    private static final String COLUMNS = "id, session_id, homeowner_id, client_call_id, initiator_role, media, state, "
            + "created_at, answered_at, connected_at, ended_at, end_reason, path, setup_ms, homeowner_device, "
            + "visitor_lost_at, homeowner_lost_at, version";

    /** Reads the session and locks its row until commit, serializing call starts with session status changes. */
    static Optional<SessionRow> lockSession(Connection c, UUID sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, homeowner_id, status FROM visitor_session WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new SessionRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)));
            }
        }
    }

    static Optional<CallRecord> find(Connection c, UUID callId) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM call WHERE id = ?", callId);
    }

    static Optional<CallRecord> findLive(Connection c, UUID sessionId) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM call WHERE live_session_id = ?", sessionId);
    }

    static Optional<CallRecord> findByClientCallId(Connection c, UUID sessionId, CallRole initiator, String clientCallId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM call WHERE session_id = ? AND initiator_role = ? AND client_call_id = ?")) {
            ps.setObject(1, sessionId);
            ps.setString(2, initiator.wire());
            ps.setString(3, clientCallId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The live calls a homeowner device is a party of (normally at most one). */
    static List<CallRecord> findLiveByDevice(Connection c, UUID homeownerId, String device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM call WHERE homeowner_id = ? "
                + "AND homeowner_device = ? AND live_session_id IS NOT NULL")) {
            ps.setObject(1, homeownerId);
            ps.setString(2, device);
            try (ResultSet rs = ps.executeQuery()) {
                List<CallRecord> out = new ArrayList<>();
                while (rs.next()) out.add(read(rs));
                return out;
            }
        }
    }

    /** Live calls whose visitor session is no longer {@code active} (ended, expired): they must end with it. */
    static List<UUID> findLiveInClosedSessions(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.id FROM call c JOIN visitor_session s ON s.id = c.session_id "
                + "WHERE c.live_session_id IS NOT NULL AND s.status <> 'active'");
             ResultSet rs = ps.executeQuery()) {
            List<UUID> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getObject(1, UUID.class));
            return out;
        }
    }

    /** Every non-terminal call (timer recovery after a restart). */
    static List<CallRecord> findAllLive(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM call WHERE live_session_id IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            List<CallRecord> out = new ArrayList<>();
            while (rs.next()) out.add(read(rs));
            return out;
        }
    }

    static void insert(Connection c, CallRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO call (" + COLUMNS + ", live_session_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, r.id());
            ps.setObject(2, r.sessionId());
            ps.setObject(3, r.homeownerId());
            ps.setString(4, r.clientCallId());
            ps.setString(5, r.initiatorRole().wire());
            ps.setString(6, r.media().wire());
            ps.setString(7, r.state().wire());
            time(ps, 8, r.createdAt());
            time(ps, 9, r.answeredAt());
            time(ps, 10, r.connectedAt());
            time(ps, 11, r.endedAt());
            ps.setString(12, r.endReason());
            ps.setString(13, r.path());
            if (r.setupMs() == null) ps.setNull(14, Types.INTEGER); else ps.setInt(14, r.setupMs());
            ps.setString(15, r.homeownerDevice());
            time(ps, 16, r.visitorLostAt());
            time(ps, 17, r.homeownerLostAt());
            ps.setLong(18, r.version());
            ps.setObject(19, r.state().terminal() ? null : r.sessionId());
            ps.executeUpdate();
        }
    }

    /** Stores {@code next} if the row still has {@code expectedVersion}; false when someone else changed it first. */
    static boolean update(Connection c, CallRecord next, long expectedVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE call SET state = ?, live_session_id = ?, answered_at = ?, "
                + "connected_at = ?, ended_at = ?, end_reason = ?, path = ?, setup_ms = ?, homeowner_device = ?, "
                + "visitor_lost_at = ?, homeowner_lost_at = ?, version = ? WHERE id = ? AND version = ?")) {
            ps.setString(1, next.state().wire());
            ps.setObject(2, next.state().terminal() ? null : next.sessionId());
            time(ps, 3, next.answeredAt());
            time(ps, 4, next.connectedAt());
            time(ps, 5, next.endedAt());
            ps.setString(6, next.endReason());
            ps.setString(7, next.path());
            if (next.setupMs() == null) ps.setNull(8, Types.INTEGER); else ps.setInt(8, next.setupMs());
            ps.setString(9, next.homeownerDevice());
            time(ps, 10, next.visitorLostAt());
            time(ps, 11, next.homeownerLostAt());
            ps.setLong(12, next.version());
            ps.setObject(13, next.id());
            ps.setLong(14, expectedVersion);
            return ps.executeUpdate() == 1;
        }
    }

    private static Optional<CallRecord> one(Connection c, String sql, UUID key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static CallRecord read(ResultSet rs) throws SQLException {
        int setup = rs.getInt("setup_ms");
        Integer setupMs = rs.wasNull() ? null : setup;
        return new CallRecord(rs.getObject("id", UUID.class), rs.getObject("session_id", UUID.class),
                rs.getObject("homeowner_id", UUID.class), rs.getString("client_call_id"),
                CallRole.fromWire(rs.getString("initiator_role")), CallMedia.parse(rs.getString("media")).orElseThrow(),
                CallState.fromWire(rs.getString("state")), instant(rs, "created_at"), instant(rs, "answered_at"),
                instant(rs, "connected_at"), instant(rs, "ended_at"), rs.getString("end_reason"), rs.getString("path"),
                setupMs, rs.getString("homeowner_device"), instant(rs, "visitor_lost_at"),
                instant(rs, "homeowner_lost_at"), rs.getLong("version"));
    }

    private static void time(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, t.atOffset(ZoneOffset.UTC));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

}
