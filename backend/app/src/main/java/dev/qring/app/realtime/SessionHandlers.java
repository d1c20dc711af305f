package dev.qring.app.realtime;

import static dev.qring.app.realtime.SignalingContext.required;

import dev.qring.app.api.Views;
import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.chat.ChatService;
import dev.qring.domain.chat.Message;
import dev.qring.domain.chat.SendResult;
import dev.qring.domain.visitor.VisitorSession;
import dev.qring.domain.visitor.VisitorSessionService;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Session and chat events of {@code /realtime/signaling} (product.md "Realtime contract"). Authorization is the
 * domain's: every event names a session and the domain checks the socket's principal may reach it (a visitor only
 * its own session, a homeowner only their own). Broadcasts of stored data ({@code chat.message},
 * {@code session.updated}, {@code chat.read}) come from {@link RealtimeEvents} after commit, so nothing unsaved is
 * ever delivered.
 */
public final class SessionHandlers {
    /** Messages replayed by one session.join; more than this → the client pages with GET /sessions/{id}/messages. */
    static final int JOIN_REPLAY_LIMIT = ChatService.MAX_HISTORY;

    record Join(UUID sessionId, Long afterSeq) { }
    record SessionRef(UUID sessionId) { }
    record Send(UUID sessionId, String clientId, String text) { }
    record Typing(UUID sessionId, Boolean typing) { }
    record Read(UUID sessionId, Long uptoSeq) { }

    private final SignalingContext ctx;
    private final VisitorSessionService sessions;
    private final ChatService chat;
    private final Presence presence;

    public SessionHandlers(SignalingContext ctx, VisitorSessionService sessions, ChatService chat, Presence presence) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.chat = chat;
        this.presence = presence;
    }

    public void register(Namespace ns) {
        ctx.on(ns, "session.join", Join.class, this::join);
        ctx.on(ns, "session.leave", SessionRef.class, (socket, p, b) -> {
            UUID id = required(b.sessionId(), "sessionId");
            leave(socket, id);
            return Acks.ok();
        });
        ctx.on(ns, "session.accept", SessionRef.class, (socket, p, b) -> {
            if (!(p instanceof HomeownerPrincipal)) throw new DomainException(ErrorCode.FORBIDDEN, "only the homeowner can accept");
            return sessionAck(sessions.accept(p, required(b.sessionId(), "sessionId")));
        });
        ctx.on(ns, "session.decline", SessionRef.class, (socket, p, b) -> {
            if (!(p instanceof HomeownerPrincipal)) throw new DomainException(ErrorCode.FORBIDDEN, "only the homeowner can decline");
            return sessionAck(sessions.decline(p, required(b.sessionId(), "sessionId")));
        });
        ctx.on(ns, "session.end", SessionRef.class, (socket, p, b) -> sessionAck(sessions.end(p, required(b.sessionId(), "sessionId"))));
        ctx.on(ns, "chat.send", Send.class, this::send);
        ctx.on(ns, "chat.typing", Typing.class, (socket, p, b) -> {
            UUID id = required(b.sessionId(), "sessionId");
            boolean typing = required(b.typing(), "typing");
            ctx.requireJoined(socket, id);
            socket.to(Rooms.session(id)).emit("chat.typing", Map.of("sessionId", id, "role", p.role(), "typing", typing));
            return Acks.ok();
        });
        ctx.on(ns, "chat.read", Read.class, (socket, p, b) -> {
            UUID id = required(b.sessionId(), "sessionId");
            long upto = required(b.uptoSeq(), "uptoSeq");
            if (upto < 0) throw DomainException.invalid("uptoSeq must not be negative");
            return chat.markRead(p, id, upto).thenApply(x -> Acks.ok());
        });
        ctx.onDisconnect(ns, (socket, reason) -> {
            for (UUID id : List.copyOf(SignalingContext.joinedSessions(socket))) leave(socket, id);
        });
    }

    private static CompletableFuture<Map<String, Object>> sessionAck(CompletableFuture<VisitorSession> f) {
        return f.thenApply(s -> Acks.ok("session", Views.session(s)));
    }

    private Object join(Socket socket, Principal p, Join b) {
        UUID id = required(b.sessionId(), "sessionId");
        long after = b.afterSeq() == null ? 0 : b.afterSeq();
        if (after < 0) throw DomainException.invalid("afterSeq must not be negative");
        // Authorization first (not_found unless p may reach it): a socket must never sit in a room it may not read,
        // not even for a moment; the session is read again below, after the join.
        sessions.get(p, id).join();
        // A repeated join of a session this socket is already in: a failure below leaves the earlier join in place.
        boolean alreadyJoined = SignalingContext.hasJoined(socket, id);
        // Join the room BEFORE reading the session and history: a status change or message committed in between is
        // both in the ack and pushed (clients keep the newest / de-duplicate by seq), never lost.
        socket.join(Rooms.session(id));
        try {
            VisitorSession s = sessions.get(p, id).join();
            SignalingContext.joinedSessions(socket).add(id);
            List<Presence.Participant> participants = presence.join(id, socket.id(), p.role());
            socket.to(Rooms.session(id)).emit("session.presence", Map.of("sessionId", id, "participants", participants));
            List<Message> messages = chat.history(p, id, after, JOIN_REPLAY_LIMIT).join();
            return Acks.ok("session", Views.session(s), "participants", participants,
                    "activeCall", ctx.activeCall(p, id), "messages", messages);
        } catch (RuntimeException | Error e) {
            // The ack is an error, so the client does not consider itself joined: neither may the server (no room,
            // no presence, no joined entry — the others see the party go again).
            if (!alreadyJoined) {
                try {
                    leave(socket, id);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
    }

    private void leave(Socket socket, UUID id) {
        SignalingContext.joinedSessions(socket).remove(id);
        socket.leave(Rooms.session(id));
        List<Presence.Participant> participants = presence.leave(id, socket.id());
        if (participants != null) {
            ctx.realtime().toSession(id, "session.presence", Map.of("sessionId", id, "participants", participants));
        }
    }

    private Object send(Socket socket, Principal p, Send b) {
        UUID id = required(b.sessionId(), "sessionId");
        String clientId = required(b.clientId(), "clientId");
        String text = required(b.text(), "text");
        // chat.send returns at once with the domain's future: the next event of this socket is handled right away,
        // but sends of one socket enter the domain's writer in the order they arrived.
        CompletableFuture<SendResult> f = chat.send(p, id, clientId, text);
        return f.handle((r, t) -> {
            if (t != null) {
                DomainException d = DomainException.of(t);
                ctx.metrics().chatAck(d.code().wire());
                return Acks.error(d);
            }
            ctx.metrics().chatAck(r.duplicate() ? "duplicate" : "saved");
            return Acks.ok("message", r.message());
        });
    }
}
