package dev.qring.domain.door;

import dev.qring.domain.DomainException;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.db.Database;
import dev.qring.domain.support.Jdbc;
import dev.qring.domain.support.Text;
import dev.qring.domain.support.Tokens;
import dev.qring.domain.visitor.VisitorSessionService;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A homeowner's doors. A homeowner reaches only their own doors: another homeowner's door id answers
 * {@code not_found} (its existence is not revealed). Deleting a door is a soft delete: its QR code stops working,
 * it leaves the list, live sessions at it end ({@code door_removed}), past sessions stay in the history.
 */
public final class DoorService {
    private static final String COLUMNS = "id, homeowner_id, label, qr_slug, active";

    private final Database db;
    private final Clock clock;
    private final String publicUrl;
    private final VisitorSessionService sessions;

    public DoorService(Database db, DomainSettings settings, VisitorSessionService sessions) {
        this.db = db;
        this.clock = settings.clock();
        this.publicUrl = settings.publicUrl();
        this.sessions = sessions;
    }

    public CompletableFuture<List<Door>> list(HomeownerPrincipal principal) {
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM door WHERE homeowner_id = ? AND deleted_at IS NULL ORDER BY created_at, id")) {
                ps.setObject(1, principal.homeownerId());
                List<Door> doors = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) doors.add(map(rs));
                }
                return doors;
            }
        });
    }

    public CompletableFuture<Door> get(HomeownerPrincipal principal, UUID doorId) {
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM door WHERE id = ? AND homeowner_id = ? AND deleted_at IS NULL")) {
                ps.setObject(1, doorId);
                ps.setObject(2, principal.homeownerId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw DomainException.notFound("door not found");
                    return map(rs);
                }
            }
        });
    }

    /** Creates an active door with a fresh unguessable QR slug. Label: trimmed, 1..100 characters. */
    public CompletableFuture<Door> create(HomeownerPrincipal principal, String label) {
        final String clean;
        try {
            clean = Text.required("label", label, 1, 100);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        return db.async(c -> {
            UUID id = UUID.randomUUID();
            String slug = newSlug();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO door (id, homeowner_id, label, qr_slug, active, created_at) VALUES (?,?,?,?,?,?)")) {
                ps.setObject(1, id);
                ps.setObject(2, principal.homeownerId());
                ps.setString(3, clean);
                ps.setString(4, slug);
                ps.setBoolean(5, true);
                Jdbc.setInstant(ps, 6, Jdbc.now(clock));
                ps.executeUpdate();
            }
            return door(id, principal.homeownerId(), clean, slug, true);
        });
    }

    /** Changes the label and/or the active flag (null = unchanged). */
    public CompletableFuture<Door> update(HomeownerPrincipal principal, UUID doorId, String label, Boolean active) {
        final String clean;
        try {
            clean = label == null ? null : Text.required("label", label, 1, 100);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE door SET label = COALESCE(?, label), active = COALESCE(?, active)"
                            + " WHERE id = ? AND homeowner_id = ? AND deleted_at IS NULL")) {
                ps.setString(1, clean);
                if (active == null) ps.setNull(2, java.sql.Types.BOOLEAN); else ps.setBoolean(2, active);
                ps.setObject(3, doorId);
                ps.setObject(4, principal.homeownerId());
                if (ps.executeUpdate() == 0) throw DomainException.notFound("door not found");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM door WHERE id = ?")) {
                ps.setObject(1, doorId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return map(rs);
                }
            }
        });
    }

    /** Soft-deletes the door and ends its live sessions. */
    public CompletableFuture<Void> delete(HomeownerPrincipal principal, UUID doorId) {
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE door SET deleted_at = ?, active = FALSE WHERE id = ? AND homeowner_id = ? AND deleted_at IS NULL")) {
                Jdbc.setInstant(ps, 1, Jdbc.now(clock));
                ps.setObject(2, doorId);
                ps.setObject(3, principal.homeownerId());
                if (ps.executeUpdate() == 0) throw DomainException.notFound("door not found");
            }
            return null;
        }).thenCompose(v -> sessions.endAllAtDoor(doorId, "door_removed"));
    }

    /** The door behind a QR slug (public lookup); NOT_FOUND for unknown or deleted doors. */
    public CompletableFuture<Door> byQrSlug(String qrSlug) {
        if (qrSlug == null || qrSlug.isEmpty() || qrSlug.length() > 64) {
            return CompletableFuture.failedFuture(DomainException.notFound("door not found"));
        }
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM door WHERE qr_slug = ? AND deleted_at IS NULL")) {
                ps.setString(1, qrSlug);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw DomainException.notFound("door not found");
                    return map(rs);
                }
            }
        });
    }

    /** 144 random bits, URL-safe (24 base64url characters). */
    static String newSlug() { return Tokens.random("", 18); }

    public String visitorUrl(String qrSlug) { return publicUrl + "/d/" + qrSlug; }

    private Door door(UUID id, UUID owner, String label, String slug, boolean active) {
        return new Door(id, owner, label, slug, active, visitorUrl(slug));
    }

    private Door map(ResultSet rs) throws SQLException {
        return door(Jdbc.getUuid(rs, "id"), Jdbc.getUuid(rs, "homeowner_id"), rs.getString("label"),
                rs.getString("qr_slug"), rs.getBoolean("active"));
    }

}
