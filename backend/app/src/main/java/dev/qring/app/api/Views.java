package dev.qring.app.api;

import dev.qring.domain.account.Homeowner;
import dev.qring.domain.door.Door;
import dev.qring.domain.turn.IceServers;
import dev.qring.domain.visitor.VisitorSession;
import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The public JSON shapes of product.md where they differ from the domain records (which carry fields clients must
 * not see, e.g. a door's homeownerId). Sessions, messages and calls are serialized as the domain records are.
 */
public final class Views {
    private Views() { }

    public record HomeownerView(UUID id, String email, String displayName) { }

    public record DoorView(UUID id, String label, String qrSlug, boolean active, String visitorUrl) { }

    public record PublicDoorView(String label, boolean active) { }

    /** product.md session shape (the owner's id stays server-side). */
    public record SessionView(UUID id, UUID doorId, String doorLabel, String status, String visitorName, String purpose,
                              Instant createdAt, Instant answeredAt, Instant endedAt, String endReason) { }

    public static SessionView session(VisitorSession s) {
        return s == null ? null : new SessionView(s.id(), s.doorId(), s.doorLabel(), s.status().wire(), s.visitorName(), s.purpose(),
                s.createdAt(), s.answeredAt(), s.endedAt(), s.endReason());
    }

    public static List<SessionView> sessions(List<VisitorSession> list) { return list.stream().map(Views::session).toList(); }

    public static HomeownerView homeowner(Homeowner h) { return new HomeownerView(h.id(), h.email(), h.displayName()); }

    public static DoorView door(Door d) { return new DoorView(d.id(), d.label(), d.qrSlug(), d.active(), d.visitorUrl()); }

    public static PublicDoorView publicDoor(Door d) { return new PublicDoorView(d.label(), d.active()); }

    /**
     * The ICE-server answer, one shape for {@code GET /api/v1/ice-servers} and the {@code call.start} /
     * {@code call.accept} acks (which add these fields next to {@code call}): {@code {iceServers, ttlSeconds,
     * expiresAt, refreshAt}}, times as ISO-8601 UTC strings whatever the serializer's settings.
     */
    public static Map<String, Object> iceServers(IceServers s) {
        return obj("iceServers", s.iceServers(), "ttlSeconds", s.ttlSeconds(), "expiresAt", s.expiresAt().toString(),
                "refreshAt", s.refreshAt().toString());
    }

    /** {@code {k1: v1, k2: v2}} keeping order and allowing null values. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
