package dev.qring.app.realtime;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in a session room right now, by role and device count: {@code participants} of {@code session.join} and
 * {@code session.presence}. Shape: {@code [{role:"visitor", online, devices}, {role:"homeowner", online, devices}]}
 * (both roles always listed). Kept in memory per server instance (with a cluster adapter, presence would move to
 * the shared store — see docs/app.md).
 */
public final class Presence {
    public record Participant(String role, boolean online, int devices) { }

    /** sessionId → socketId → role */
    private final Map<UUID, Map<String, String>> rooms = new ConcurrentHashMap<>();

    public List<Participant> join(UUID sessionId, String socketId, String role) {
        rooms.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>()).put(socketId, role);
        return participants(sessionId);
    }

    /** Null when the socket was not present (nothing changed). */
    public List<Participant> leave(UUID sessionId, String socketId) {
        boolean[] removed = {false};
        rooms.computeIfPresent(sessionId, (k, m) -> {
            removed[0] = m.remove(socketId) != null;
            return m.isEmpty() ? null : m;
        });
        return removed[0] ? participants(sessionId) : null;
    }

    public List<Participant> participants(UUID sessionId) {
        Map<String, String> m = rooms.getOrDefault(sessionId, Map.of());
        int visitors = 0;
        int homeowners = 0;
        for (String role : m.values()) {
            if (role.equals("visitor")) visitors++; else homeowners++;
        }
        return List.of(new Participant("visitor", visitors > 0, visitors), new Participant("homeowner", homeowners > 0, homeowners));
    }
}
