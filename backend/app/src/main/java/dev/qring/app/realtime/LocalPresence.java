package dev.qring.app.realtime;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Presence} of one server instance, in memory (the single-instance default). */
public final class LocalPresence implements Presence {

    /** sessionId → socketId → role */
    private final Map<UUID, Map<String, String>> rooms = new ConcurrentHashMap<>();

    @Override
    public List<Participant> join(UUID sessionId, String socketId, String role) {
        rooms.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>()).put(socketId, role);
        return participants(sessionId);
    }

    @Override
    public List<Participant> leave(UUID sessionId, String socketId) {
        boolean[] removed = {false};
        rooms.computeIfPresent(sessionId, (k, m) -> {
            removed[0] = m.remove(socketId) != null;
            return m.isEmpty() ? null : m;
        });
        return removed[0] ? participants(sessionId) : null;
    }

    @Override
    public List<Participant> participants(UUID sessionId) {
        return Presence.count(rooms.getOrDefault(sessionId, Map.of()).values());
    }
}
