package dev.qring.app.realtime;

import dev.qring.app.api.Views;
import dev.qring.app.metrics.AppMetrics;
import dev.qring.domain.DomainEvents;
import dev.qring.domain.chat.Message;
import dev.qring.domain.door.Door;
import dev.qring.domain.visitor.VisitorSession;
import java.util.Map;
import java.util.UUID;

/**
 * Fans committed domain changes out over Socket.IO. Audiences are fixed here, so no handler can leak an event to
 * another homeowner: rings and dashboard updates go only to {@code homeowner:<owner id>} on /realtime/dashboard;
 * session-scoped events only to {@code session:<id>} on /realtime/signaling.
 */
public final class RealtimeEvents implements DomainEvents {
    private final Realtime realtime;
    private final AppMetrics metrics;
    /** Told when a session reaches a terminal status, so its live call ends at once (not on the next sweep). */
    private volatile java.util.function.Consumer<UUID> sessionClosed = id -> { };

    public RealtimeEvents(Realtime realtime, AppMetrics metrics) {
        this.realtime = realtime;
        this.metrics = metrics;
    }

    @Override
    public void ring(VisitorSession session, Door door) {
        metrics.ring("ringing");
        realtime.toHomeownerDashboard(session.homeownerId(), "ring",
                Map.of("session", Views.session(session), "door", Views.door(door)));
    }

    @Override
    public void sessionUpdated(VisitorSession session) {
        switch (session.status()) {
            case ACTIVE -> metrics.ring("answered");
            case DECLINED -> metrics.ring("declined");
            case MISSED -> metrics.ring("missed");
            case ENDED -> metrics.ring("ended");
            default -> { }
        }
        Map<String, Object> payload = Map.of("session", Views.session(session));
        realtime.toSession(session.id(), "session.updated", payload);
        realtime.toHomeownerDashboard(session.homeownerId(), "session.updated", payload);
        if (session.status() == dev.qring.domain.visitor.SessionStatus.ENDED
                || session.status() == dev.qring.domain.visitor.SessionStatus.DECLINED
                || session.status() == dev.qring.domain.visitor.SessionStatus.MISSED) {
            sessionClosed.accept(session.id());
        }
    }

    public void onSessionClosed(java.util.function.Consumer<UUID> listener) {
        this.sessionClosed = listener;
    }

    @Override
    public void messageStored(Message message) {
        realtime.toSession(message.sessionId(), "chat.message", Map.of("message", message));
    }

    @Override
    public void readMarker(UUID sessionId, String role, long uptoSeq) {
        realtime.toSession(sessionId, "chat.read", Map.of("sessionId", sessionId, "role", role, "uptoSeq", uptoSeq));
    }
}
