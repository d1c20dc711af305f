package dev.qring.domain;

import dev.qring.domain.account.AccountService;
import dev.qring.domain.chat.ChatService;
import dev.qring.domain.chat.Message;
import dev.qring.domain.db.Database;
import dev.qring.domain.door.Door;
import dev.qring.domain.door.DoorService;
import dev.qring.domain.visitor.VisitorSession;
import dev.qring.domain.visitor.VisitorSessionService;

import java.util.Objects;
import java.util.UUID;

/**
 * Builds and owns the domain: database (migrated), accounts, doors, visitor sessions (timers started), chat (writer
 * started). The events sink may be set after start ({@link #setEvents}) because the realtime layer that implements
 * it usually needs the domain first.
 *
 * <pre>{@code
 * QRingDomain domain = QRingDomain.start(DomainSettings.defaults(DatabaseSettings.fromEnv(System.getenv()), publicUrl));
 * domain.setEvents(myFanOut);
 * }</pre>
 */
public final class QRingDomain implements AutoCloseable {
    private final DomainSettings settings;
    private final Database database;
    private final ForwardingEvents events;
    private final AccountService accounts;
    private final VisitorSessionService sessions;
    private final DoorService doors;
    private final ChatService chat;

    private QRingDomain(DomainSettings settings, Database database, ForwardingEvents events) {
        this.settings = settings;
        this.database = database;
        this.events = events;
        this.accounts = new AccountService(database, settings);
        this.sessions = new VisitorSessionService(database, settings, events);
        this.doors = new DoorService(database, settings, sessions);
        this.chat = new ChatService(database, settings, events);
    }

    public static QRingDomain start(DomainSettings settings) {
        return start(settings, DomainEvents.NONE);
    }

    public static QRingDomain start(DomainSettings settings, DomainEvents events) {
        Database db = Database.open(settings.database());
        QRingDomain d = new QRingDomain(settings, db, new ForwardingEvents(events));
        d.sessions.start();
        return d;
    }

    public void setEvents(DomainEvents events) { this.events.target = Objects.requireNonNull(events); }

    public DomainSettings settings() { return settings; }
    public Database database() { return database; }
    public AccountService accounts() { return accounts; }
    public DoorService doors() { return doors; }
    public VisitorSessionService sessions() { return sessions; }
    public ChatService chat() { return chat; }

    @Override
    public void close() {
        sessions.close();
        chat.close();
        database.close();
    }

    private static final class ForwardingEvents implements DomainEvents {
        volatile DomainEvents target;

        ForwardingEvents(DomainEvents target) { this.target = target == null ? NONE : target; }

        @Override public void ring(VisitorSession session, Door door) { target.ring(session, door); }
        @Override public void sessionUpdated(VisitorSession session) { target.sessionUpdated(session); }
        @Override public void messageStored(Message message) { target.messageStored(message); }
        @Override public void readMarker(UUID sessionId, String role, long uptoSeq) { target.readMarker(sessionId, role, uptoSeq); }
    }
}
