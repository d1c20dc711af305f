package dev.qring.domain;

import dev.qring.domain.chat.Message;
import dev.qring.domain.door.Door;
import dev.qring.domain.visitor.VisitorSession;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Records every domain event for assertions. */
public final class RecordingEvents implements DomainEvents {
    public record Ring(VisitorSession session, Door door) { }
    public record Read(UUID sessionId, String role, long uptoSeq) { }

    public final List<Ring> rings = new CopyOnWriteArrayList<>();
    public final List<VisitorSession> updates = new CopyOnWriteArrayList<>();
    public final List<Message> messages = new CopyOnWriteArrayList<>();
    public final List<Read> reads = new CopyOnWriteArrayList<>();

    @Override public void ring(VisitorSession session, Door door) { rings.add(new Ring(session, door)); }
    @Override public void sessionUpdated(VisitorSession session) { updates.add(session); }
    @Override public void messageStored(Message message) { messages.add(message); }
    @Override public void readMarker(UUID sessionId, String role, long uptoSeq) { reads.add(new Read(sessionId, role, uptoSeq)); }

    /** Polls until {@code condition} holds or fails after {@code timeout}. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
