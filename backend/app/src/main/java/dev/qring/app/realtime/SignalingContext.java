package dev.qring.app.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.app.http.ApiException;
import dev.qring.app.http.Json;
import dev.qring.app.metrics.AppMetrics;
import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.socketio.Ack;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every realtime handler needs — the extension point for handler sets (session/chat here, calls in
 * {@code dev.qring.app.realtime.calls}).
 *
 * <p>Usage from a handler set:
 * <pre>{@code
 * public static void register(Namespace signaling, SignalingContext ctx, CallService calls) {
 *     ctx.on(signaling, "call.start", CallStart.class, (socket, principal, p) -> {
 *         UUID sessionId = SignalingContext.required(p.sessionId(), "sessionId");
 *         ctx.requireJoined(socket, sessionId);                   // forbidden unless session.join succeeded
 *         Call c = calls.start(principal, sessionId, ...);        // blocking is fine: this runs on a virtual thread
 *         ctx.realtime().toSession(sessionId, "call.updated", Map.of("call", c));
 *         return Acks.ok("call", c, "iceServers", ice);            // or a CompletionStage of an ack
 *     });
 * }
 * }</pre>
 *
 * <p>Guarantees of {@link #on}:
 * <ul>
 *   <li>The principal comes from the connect credentials only (set by the connect middleware); payload fields never
 *       change who is asking.</li>
 *   <li>The payload (first argument) is bound STRICTLY to {@code payloadType} (unknown fields, wrong types, missing
 *       object → {@code invalid}); the handler never runs on an invalid payload.</li>
 *   <li>The handler runs on a virtual thread, never on the event loop; events of one socket run one at a time in
 *       arrival order (a returned CompletionStage may complete later: the next event does not wait for it).</li>
 *   <li>Exactly one ack is sent: the returned map, or {@code {ok:false,error}} for a thrown
 *       {@link DomainException}/{@link ApiException} (other exceptions: {@code unavailable}, logged).</li>
 *   <li>More than {@link #MAX_PENDING_PER_SOCKET} unfinished events from one socket → {@code rate_limited}.</li>
 * </ul>
 */
public final class SignalingContext {
    private static final Logger log = LoggerFactory.getLogger(SignalingContext.class);

    /** Socket data keys. */
    public static final String PRINCIPAL = "qring.principal";
    static final String JOINED = "qring.joined";
    static final String SERIAL = "qring.serial";

    public static final int MAX_PENDING_PER_SOCKET = 128;

    /** An event handler: returns the ack (a Map from {@link Acks}) or a CompletionStage of it; may throw. */
    @FunctionalInterface
    public interface Handler<T> {
        Object handle(Socket socket, Principal principal, T payload) throws Exception;
    }

    private final Realtime realtime;
    private final AppMetrics metrics;
    private final Executor blocking;
    private final Map<Namespace, java.util.List<Namespace.DisconnectHandler>> disconnectHandlers = new ConcurrentHashMap<>();
    private volatile ActiveCallLookup activeCalls = (principal, sessionId) -> null;

    /** The non-terminal call of a session for {@code session.join}'s {@code activeCall} (null: none). Blocking allowed. */
    @FunctionalInterface
    public interface ActiveCallLookup {
        Object activeCall(Principal principal, UUID sessionId) throws Exception;
    }

    public SignalingContext(Realtime realtime, AppMetrics metrics, Executor blocking) {
        this.realtime = realtime;
        this.metrics = metrics;
        this.blocking = blocking;
    }

    public Realtime realtime() { return realtime; }
    public AppMetrics metrics() { return metrics; }
    /** Virtual-thread executor for work that must not block the caller. */
    public Executor blocking() { return blocking; }

    /** The authenticated principal of a socket (set by the connect middleware before any event). */
    public static Principal principal(Socket socket) {
        Object p = socket.data().get(PRINCIPAL);
        if (p instanceof Principal pr) return pr;
        throw new DomainException(ErrorCode.UNAUTHORIZED, "not authenticated");
    }

    public static HomeownerPrincipal homeowner(Socket socket) {
        if (principal(socket) instanceof HomeownerPrincipal h) return h;
        throw new DomainException(ErrorCode.FORBIDDEN, "homeowners only");
    }

    public static VisitorPrincipal visitorOrNull(Socket socket) {
        return principal(socket) instanceof VisitorPrincipal v ? v : null;
    }

    /** The sessions this socket has joined (session.join succeeded, no session.leave since). */
    @SuppressWarnings("unchecked")
    public static Set<UUID> joinedSessions(Socket socket) {
        return (Set<UUID>) socket.data().computeIfAbsent(JOINED, k -> ConcurrentHashMap.newKeySet());
    }

    public static boolean hasJoined(Socket socket, UUID sessionId) { return joinedSessions(socket).contains(sessionId); }

    /** Throws {@code forbidden} unless the socket joined the session (authorization was checked at join). */
    public void requireJoined(Socket socket, UUID sessionId) {
        if (!hasJoined(socket, sessionId)) throw new DomainException(ErrorCode.FORBIDDEN, "join the session first");
    }

    /** A required payload field: null → {@code invalid} naming it. */
    public static <V> V required(V value, String field) {
        if (value == null) throw new DomainException(ErrorCode.INVALID, "'" + field + "' is required");
        return value;
    }

    /** Installed by the calls handlers so {@code session.join} and {@code GET /sessions/{id}} report the live call. */
    public void activeCallLookup(ActiveCallLookup lookup) { this.activeCalls = lookup; }

    public Object activeCall(Principal principal, UUID sessionId) {
        try {
            return activeCalls.activeCall(principal, sessionId);
        } catch (Exception e) {
            throw DomainException.of(e);
        }
    }

    /**
     * Adds a disconnect listener on {@code ns} (several handler sets may listen). Listeners run on a virtual thread,
     * after the socket's pending events, in registration order.
     */
    public void onDisconnect(Namespace ns, Namespace.DisconnectHandler handler) {
        disconnectHandlers.computeIfAbsent(ns, n -> {
            var list = new java.util.concurrent.CopyOnWriteArrayList<Namespace.DisconnectHandler>();
            n.onDisconnect((socket, reason) -> serial(socket).tryExecuteAlways(() -> {
                for (var h : list) {
                    try {
                        h.handle(socket, reason);
                    } catch (RuntimeException e) {
                        log.error("disconnect handler failed", e);
                    }
                }
            }));
            return list;
        }).add(handler);
    }

    private SerialExecutor serial(Socket socket) {
        return (SerialExecutor) socket.data().computeIfAbsent(SERIAL, k -> new SerialExecutor(blocking, MAX_PENDING_PER_SOCKET));
    }

    /** Registers {@code event} on {@code ns} with the guarantees listed on this class. */
    public <T> void on(Namespace ns, String event, Class<T> payloadType, Handler<T> handler) {
        ns.on(event, JsonNode.class, (socket, raw, ack, args) -> {
            boolean queued = serial(socket).tryExecute(() -> run(ns, event, payloadType, handler, socket, raw, ack));
            if (!queued) answer(ns, event, ack, Acks.error("rate_limited", "too many pending events"));
        });
    }

    private <T> void run(Namespace ns, String event, Class<T> type, Handler<T> handler, Socket socket, JsonNode raw, Ack ack) {
        Object result;
        try {
            Principal principal = principal(socket);
            if (raw == null || !raw.isObject()) throw new DomainException(ErrorCode.INVALID, "payload must be an object");
            T payload = type == JsonNode.class ? type.cast(raw) : Json.convert(raw, type);
            result = handler.handle(socket, principal, payload);
        } catch (Throwable t) {
            result = failure(event, t);
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((v, t) -> answer(ns, event, ack, t != null ? failure(event, t) : (v == null ? Acks.ok() : v)));
        } else {
            answer(ns, event, ack, result == null ? Acks.ok() : result);
        }
    }

    static Map<String, Object> failure(String event, Throwable t) {
        if (t instanceof ApiException a) return Acks.error(a.code(), a.getMessage());
        DomainException d = DomainException.of(t);
        if (d.code() == ErrorCode.UNAVAILABLE && !(unwrap(t) instanceof DomainException)) {
            log.error("realtime event {} failed", event, unwrap(t));
        }
        return Acks.error(d);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) c = c.getCause();
        return c;
    }

    private void answer(Namespace ns, String event, Ack ack, Object body) {
        String code = Acks.errorCode(body);
        if (metrics != null) metrics.realtimeEvent(ns.name(), event, code == null ? "ok" : code);
        ack.send(body);
    }

    /** Acks {@code invalid} for unbindable payloads and unknown events (registered on each namespace by Main). */
    public void answerInvalidPayloads(Namespace ns) {
        ns.onInvalidPayload((socket, event, problem, ack) -> {
            if (metrics != null) metrics.realtimeEvent(ns.name(), "unknown", "invalid");
            ack.send(Acks.error("invalid", problem == null ? (String) "invalid payload" : problem));
        });
    }
}
