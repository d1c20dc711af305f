package dev.qring.domain;

import dev.qring.domain.chat.Message;
import dev.qring.domain.door.Door;
import dev.qring.domain.visitor.VisitorSession;

import java.util.UUID;

/**
 * What the domain tells the realtime layer, always AFTER the change is committed. The app implements it to fan out
 * over Socket.IO (and Redis). Calls arrive on domain threads (virtual threads or the chat writer): implementations
 * must not block for long — hand off and return. An exception thrown here is logged and otherwise ignored (the data is
 * already committed).
 */
public interface DomainEvents {
    /** A new visitor session rings: to every dashboard device of {@code session.homeownerId()} and no one else. */
    default void ring(VisitorSession session, Door door) { }

    /** A session changed status (accepted, declined, missed, ended): to the session room and the owner's dashboard. */
    default void sessionUpdated(VisitorSession session) { }

    /**
     * A chat message is durably stored: to everyone in the session room. May be called more than once for the same
     * message (a retried send whose first answer was lost re-announces it, so a party that missed it gets it);
     * receivers de-duplicate by {@code id}/{@code seq}. Called in seq order per session, before the sender's
     * {@code send} future completes.
     */
    default void messageStored(Message message) { }

    /** A read marker moved forward ({@code role} has read up to {@code uptoSeq}). */
    default void readMarker(UUID sessionId, String role, long uptoSeq) { }

    DomainEvents NONE = new DomainEvents() { };
}
