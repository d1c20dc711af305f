package dev.qring.app.realtime;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Who is in a session room right now, by role and device count: {@code participants} of {@code session.join} and
 * {@code session.presence}. Shape: {@code [{role:"visitor", online, devices}, {role:"homeowner", online, devices}]}
 * (both roles always listed). {@link LocalPresence} for one instance; {@code RedisPresence} across instances.
 * Methods may block briefly (they run on virtual threads).
 */
public interface Presence {
    record Participant(String role, boolean online, int devices) { }

    /** Records the socket in the session; returns the participants after the change. */
    List<Participant> join(UUID sessionId, String socketId, String role);

    /** Removes the socket; returns the participants after the change, or null when it was not present. */
    List<Participant> leave(UUID sessionId, String socketId);

    List<Participant> participants(UUID sessionId);

    /** Counts roles into the wire shape. */
    static List<Participant> count(Collection<String> roles) {
        int visitors = 0;
        int homeowners = 0;
        for (String role : roles) {
            if (role.equals("visitor")) visitors++; else homeowners++;
        }
        return List.of(new Participant("visitor", visitors > 0, visitors), new Participant("homeowner", homeowners > 0, homeowners));
    }
}
