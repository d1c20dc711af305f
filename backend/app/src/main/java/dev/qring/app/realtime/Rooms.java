package dev.qring.app.realtime;

import java.util.UUID;

/** Room names. Session rooms live on /realtime/signaling; homeowner rooms on both namespaces. */
public final class Rooms {
    private Rooms() { }

    /** Every signaling socket that joined this visitor session (visitor + homeowner devices). */
    public static String session(UUID sessionId) { return "session:" + sessionId; }

    /** Every socket of one homeowner: dashboard devices (for rings) and signaling devices (for call rings). */
    public static String homeowner(UUID homeownerId) { return "homeowner:" + homeownerId; }
}
