package dev.qring.domain.db;

import dev.qring.domain.Backend;
import dev.qring.domain.DomainTestBase;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.chat.Message;
import dev.qring.domain.visitor.Created;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema itself enforces the invariants of product.md, whatever code writes to it. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class DatabaseTest extends DomainTestBase {

    @Test
    void healthyAndMigrationsAreIdempotentAcrossRestarts() {
        assertThat(domain.database().isHealthy()).isTrue();
        assertThat(domain.database().isPostgres()).isEqualTo(backend == Backend.POSTGRES);
        HomeownerPrincipal h = newHomeowner();
        var again = restart(s -> s);
        assertThat(join(again.accounts().me(h)).id()).isEqualTo(h.homeownerId());
    }

    @Test
    void embeddedH2WritesEveryCommitBeforeItReturns() throws Exception {
        Assumptions.assumeTrue(backend == Backend.H2, "H2 only");
        // H2's default WRITE_DELAY is 500 ms (commits reach the file up to half a second after the ack); 0 means
        // every commit is written before commit() returns, so "saved" acks are never ahead of the disk.
        try (Connection conn = domain.database().dataSource().getConnection();
             PreparedStatement ps = conn.prepareStatement(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'");
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as("WRITE_DELAY row").isTrue();
            assertThat(rs.getString(1)).isEqualTo("0");
        }
    }

    @Test
    void postgresBoundsEveryPooledStatementServerSide() throws Exception {
        Assumptions.assumeTrue(backend == Backend.POSTGRES, "PostgreSQL only");
        // The chat writer's statements carry no JDBC query timeout (pgjdbc arms a Timer task per statement); the
        // server-side statement_timeout is what frees a thread stuck behind a lock.
        try (Connection conn = domain.database().dataSource().getConnection();
             PreparedStatement show = conn.prepareStatement("SHOW statement_timeout");
             ResultSet rs = show.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo((Database.STATEMENT_TIMEOUT_MS / 1000) + "s");
        }
        try (Connection conn = domain.database().dataSource().getConnection();
             PreparedStatement sleep = conn.prepareStatement("SELECT pg_sleep(?)")) {
            sleep.setDouble(1, Database.STATEMENT_TIMEOUT_MS / 1000.0 + 5);
            long t0 = System.nanoTime();
            assertThatThrownBy(sleep::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("statement timeout");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(Database.STATEMENT_TIMEOUT_MS + 4_000L);
            conn.rollback();
        }
    }

    @Test
    void duplicateSeqClientIdRequestIdAndEmailAreRejectedByTheSchema() throws Exception {
        HomeownerPrincipal h = newHomeowner();
        var door = door(h);
        Created c = ring(door);
        VisitorPrincipal v = visitor(c);
        Message m = join(domain.chat().send(v, c.session().id(), "c1", "hello")).message();
        try (Connection conn = domain.database().dataSource().getConnection()) {
            conn.setAutoCommit(true);
            // same seq in the same session
            assertUnique(() -> insertMessage(conn, c.session().id(), m.seq(), "other-client", "visitor"));
            // same (session, role, clientId)
            assertUnique(() -> insertMessage(conn, c.session().id(), 99, "c1", "visitor"));
            // ...but the other role may use the same clientId
            insertMessage(conn, c.session().id(), 2, "c1", "homeowner");
            // same (door, request_id)
            assertUnique(() -> {
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO visitor_session (id, door_id, homeowner_id, request_id,"
                        + " visitor_name, purpose, status, created_at, ring_deadline, token_expires_at) SELECT ?, door_id, homeowner_id,"
                        + " request_id, 'x', '', 'ringing', created_at, ring_deadline, token_expires_at FROM visitor_session WHERE id = ?")) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, c.session().id());
                    ps.executeUpdate();
                }
            });
            // email differing only in case
            assertUnique(() -> {
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO homeowner (id, email, email_normalized, display_name,"
                        + " password_hash, created_at) SELECT ?, UPPER(email), email_normalized, 'x', 'x', created_at FROM homeowner WHERE id = ?")) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, h.homeownerId());
                    ps.executeUpdate();
                }
            });
            // unknown status and role values are refused
            assertThatThrownBy(() -> {
                try (PreparedStatement ps = conn.prepareStatement("UPDATE visitor_session SET status = 'weird' WHERE id = ?")) {
                    ps.setObject(1, c.session().id());
                    ps.executeUpdate();
                }
            }).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> insertMessage(conn, c.session().id(), 3, "c3", "admin")).isInstanceOf(SQLException.class);
        }
    }

    interface Sql { void run() throws SQLException; }

    static void assertUnique(Sql sql) {
        assertThatThrownBy(sql::run).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(Database.isUniqueViolation(e)).as("unique violation: %s", e).isTrue());
    }

    static void insertMessage(Connection c, UUID session, long seq, String clientId, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO message (id, session_id, seq, client_id, sender_role, body, created_at)"
                + " VALUES (?,?,?,?,?,?,?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, session);
            ps.setLong(3, seq);
            ps.setString(4, clientId);
            ps.setString(5, role);
            ps.setString(6, "x");
            ps.setObject(7, OffsetDateTime.now());
            ps.executeUpdate();
        }
    }
}
