package dev.qring.app.realtime.calls;

import static dev.qring.app.realtime.SignalingContext.required;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.api.Views;
import dev.qring.app.realtime.Acks;
import dev.qring.app.realtime.Rooms;
import dev.qring.app.realtime.SignalingContext;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.call.Call;
import dev.qring.domain.call.CallRefusedException;
import dev.qring.domain.call.CallRole;
import dev.qring.domain.call.CallService;
import dev.qring.domain.call.CallStateMachine.SignalKind;
import dev.qring.domain.call.CallStats;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Call and WebRTC signaling events of {@code /realtime/signaling} (product.md "Realtime contract"):
 * {@code call.start|accept|decline|cancel|end}, {@code rtc.offer|answer|candidate}, {@code call.stats}.
 *
 * <p><b>Who decides.</b> {@link CallService} owns the call (state machine, timers, persistence); these handlers
 * validate payload shapes, ask it, and relay. A refused event is acked {@code {ok:false, error, call}} — the call
 * as it is, so the client can catch up — and changes nothing.
 *
 * <p><b>Relay.</b> {@code rtc.*} goes to the OTHER party only: to the visitor's sockets in the session room (the room
 * minus the homeowner's sockets), or to the one homeowner device that started/accepted the call (a room per
 * device: its bearer token) — never to the sender's side, never to the homeowner's other devices. Events of one
 * socket are handled one at a time in arrival order ({@link SignalingContext#on}) and each relay is enqueued
 * before the ack, so the other party receives them in the order sent, each once.
 *
 * <p><b>Presence.</b> Each party's signaling connections are counted ({@link PartyPresence}): when a party's last
 * socket goes, the call's reconnect grace starts ({@link CallService#partyDisconnected}); when it connects again the
 * grace is cancelled ({@link CallService#partyRejoined}), and {@code session.join}'s {@code activeCall} tells the
 * client the call still lives so it restarts ICE (an {@code rtc.offer} with {@code iceRestart}).
 */
public final class CallHandlers {
    record Start(UUID sessionId, String clientCallId, String media) { }

    record CallRef(UUID callId, String reason) { }

    record Description(UUID callId, String sdp, Boolean iceRestart) { }

    record Candidate(UUID callId, JsonNode candidate) { }

    /** rttMs / lossPct are taken raw: JSON has one number type, and the strict mapper refuses 48 for a Double. */
    record Stats(UUID callId, Integer setupMs, String localCandidateType, String remoteCandidateType, String protocol,
                 String relayProtocol, JsonNode rttMs, JsonNode lossPct) { }

    private final SignalingContext ctx;
    private final CallService calls;
    private final IceServerIssuer ice;
    private final PartyPresence presence;
    private Namespace signaling;

    public CallHandlers(SignalingContext ctx, CallService calls, IceServerIssuer ice) {
        this.ctx = ctx;
        this.calls = calls;
        this.ice = ice;
        this.presence = new PartyPresence(ctx.blocking(), calls::partyDisconnected, calls::partyRejoined);
    }

    /** The room of one homeowner device (its bearer token) on the signaling namespace. */
    static String deviceRoom(UUID homeownerId, String tokenId) {
        return "device:" + homeownerId + ":" + tokenId;
    }

    public void register(Namespace ns) {
        this.signaling = ns;
        ns.onConnection(socket -> {
            Principal p = (Principal) socket.data().get(SignalingContext.PRINCIPAL);
            if (p == null) return;
            if (p instanceof HomeownerPrincipal h) socket.join(deviceRoom(h.homeownerId(), h.tokenId()));
            presence.connected(p);
        });
        ctx.onDisconnect(ns, (socket, reason) -> {
            if (socket.data().get(SignalingContext.PRINCIPAL) instanceof Principal p) presence.disconnected(p);
        });
        ctx.activeCallLookup((principal, sessionId) -> calls.activeCall(sessionId).map(CallView::of).orElse(null));

        ctx.on(ns, "call.start", Start.class, (socket, p, b) -> guarded(() -> {
            UUID sessionId = required(b.sessionId(), "sessionId");
            ctx.requireJoined(socket, sessionId);
            Call c = calls.start(p, sessionId, required(b.clientCallId(), "clientCallId"), required(b.media(), "media"));
            return withIceServers(Acks.ok("call", CallView.of(c)), p);
        }));
        ctx.on(ns, "call.accept", CallRef.class, (socket, p, b) -> guarded(() -> {
            Call c = calls.accept(p, required(b.callId(), "callId"));
            // A retried accept of a call that has ended since is answered with the call only (product.md:
            // "iceServers?"): there is nothing left to negotiate, so no fresh TURN credentials are handed out.
            if (c.state().terminal()) return Acks.ok("call", CallView.of(c));
            return withIceServers(Acks.ok("call", CallView.of(c)), p);
        }));
        ctx.on(ns, "call.decline", CallRef.class, (socket, p, b) ->
                guarded(() -> Acks.ok("call", CallView.of(calls.decline(p, required(b.callId(), "callId"))))));
        ctx.on(ns, "call.cancel", CallRef.class, (socket, p, b) ->
                guarded(() -> Acks.ok("call", CallView.of(calls.cancel(p, required(b.callId(), "callId"))))));
        ctx.on(ns, "call.end", CallRef.class, (socket, p, b) ->
                guarded(() -> Acks.ok("call", CallView.of(calls.end(p, required(b.callId(), "callId"), b.reason())))));

        ctx.on(ns, "rtc.offer", Description.class, (socket, p, b) -> description("rtc.offer", SignalKind.OFFER, p, b));
        ctx.on(ns, "rtc.answer", Description.class, (socket, p, b) -> description("rtc.answer", SignalKind.ANSWER, p, b));
        ctx.on(ns, "rtc.candidate", Candidate.class, (socket, p, b) -> guarded(() -> {
            UUID callId = required(b.callId(), "callId");
            Map<String, Object> candidate = RtcPayloads.candidate(b.candidate());
            relay(p, calls.signal(p, callId, SignalKind.CANDIDATE), "rtc.candidate",
                    ordered("callId", callId, "candidate", candidate));
            return Acks.ok();
        }));
        ctx.on(ns, "call.stats", Stats.class, (socket, p, b) -> guarded(() -> {
            CallStats stats = new CallStats(b.setupMs(), b.localCandidateType(), b.remoteCandidateType(), b.protocol(),
                    b.relayProtocol(), number(b.rttMs(), "rttMs"), number(b.lossPct(), "lossPct"));
            calls.recordStats(p, required(b.callId(), "callId"), stats);
            return Acks.ok();
        }));
    }

    private Object description(String event, SignalKind kind, Principal p, Description b) throws Exception {
        return guarded(() -> {
            UUID callId = required(b.callId(), "callId");
            String sdp = RtcPayloads.sdp(b.sdp());
            boolean iceRestart = Boolean.TRUE.equals(b.iceRestart());
            relay(p, calls.signal(p, callId, kind), event, ordered("callId", callId, "sdp", sdp, "iceRestart", iceRestart));
            return Acks.ok();
        });
    }

    /** Emits to the other party of the call only (see the class comment). */
    private void relay(Principal sender, CallService.SignalRoute route, String event, Map<String, Object> payload) {
        UUID homeownerId = switch (sender) {
            case HomeownerPrincipal h -> h.homeownerId();
            case VisitorPrincipal v -> v.homeownerId();
        };
        if (route.to() == CallRole.VISITOR) {
            signaling.to(Rooms.session(route.call().sessionId())).except(Rooms.homeowner(homeownerId)).emit(event, payload);
        } else {
            signaling.to(deviceRoom(homeownerId, route.homeownerDevice())).emit(event, payload);
        }
    }

    /** The ack plus the same ICE-server fields {@code GET /api/v1/ice-servers} answers ({@link Views#iceServers}). */
    private Map<String, Object> withIceServers(Map<String, Object> ack, Principal p) {
        Map<String, Object> out = new LinkedHashMap<>(ack);
        out.putAll(Views.iceServers(ice.issueFor(p)));
        return out;
    }

    @FunctionalInterface
    private interface Body {
        Object run() throws Exception;
    }

    /** A refused call event answers with the error AND the call as it stands. */
    private static Object guarded(Body body) throws Exception {
        try {
            return body.run();
        } catch (CallRefusedException e) {
            Map<String, Object> ack = new LinkedHashMap<>(Acks.error(e));
            ack.put("call", CallView.of(e.call()));
            return ack;
        }
    }

    /** An optional JSON number (integer or not); anything else is {@code invalid}. */
    private static Double number(JsonNode n, String field) {
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw dev.qring.domain.DomainException.invalid("'" + field + "' must be a number");
        return n.doubleValue();
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
