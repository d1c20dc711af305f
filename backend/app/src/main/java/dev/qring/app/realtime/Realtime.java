package dev.qring.app.realtime;

import dev.qring.socketio.Namespace;
import java.util.UUID;

/**
 * Server-side emits, by audience. Goes through each namespace's adapter, so it reaches every server instance
 * once a cluster adapter is configured. Thread-safe; callable from any thread (domain callbacks, virtual threads).
 */
public final class Realtime {
    private final Namespace signaling;
    private final Namespace dashboard;

    public Realtime(Namespace signaling, Namespace dashboard) {
        this.signaling = signaling;
        this.dashboard = dashboard;
    }

    public Namespace signaling() { return signaling; }
    public Namespace dashboard() { return dashboard; }

    /** To every signaling socket that joined the session (both parties, all devices). */
    public void toSession(UUID sessionId, String event, Object payload) {
        signaling.to(Rooms.session(sessionId)).emit(event, payload);
    }

    /** To the homeowner's dashboard devices only. */
    public void toHomeownerDashboard(UUID homeownerId, String event, Object payload) {
        dashboard.to(Rooms.homeowner(homeownerId)).emit(event, payload);
    }

    /** To the homeowner's signaling sockets (every device with the app open), whether or not they joined a session. */
    public void toHomeownerSignaling(UUID homeownerId, String event, Object payload) {
        signaling.to(Rooms.homeowner(homeownerId)).emit(event, payload);
    }

    /** To one socket of the signaling namespace, by Socket.IO socket id (every socket is in the room of its id). */
    public void toSignalingSocket(String socketId, String event, Object payload) {
        signaling.to(socketId).emit(event, payload);
    }
}
