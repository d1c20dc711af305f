package dev.qring.app.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.TokenGrant;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect middleware of both namespaces. The CONNECT auth payload must be exactly {@code {token}} (homeowner,
 * {@code qh_...}) or {@code {visitorToken}} (visitor, {@code qv_...}); the principal it resolves to is stored in
 * the socket's data and is the ONLY identity handlers use. Anything else — no auth, both fields, other fields,
 * unknown/expired/revoked tokens, a visitor on the dashboard — is refused with CONNECT_ERROR {@code unauthorized}.
 * If the database cannot be asked, the refusal is {@code unavailable} (the client should retry, not sign out).
 *
 * <p>Homeowner sockets join {@link Rooms#homeowner}; visitor sockets join nothing until {@code session.join}.
 * Sockets are remembered by credential so that logout disconnects them at once ({@link #revokeHomeownerToken}).
 *
 * <p>Credentials are checked only at connect, so a socket must not outlive its token: when it is admitted, a
 * disconnect is scheduled for the token's expiry (homeowner and visitor tokens alike), and cancelled when the socket
 * disconnects first. The client sees a server-side disconnect, as on logout, and must connect again with a valid
 * token.
 */
public final class RealtimeAuth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RealtimeAuth.class);

    private static final String EXPIRES_AT = "qring.expiresAt";
    private static final String EXPIRY_TIMER = "qring.expiryTimer";

    private final Function<String, CompletableFuture<Optional<TokenGrant<HomeownerPrincipal>>>> homeowners;
    private final Function<String, CompletableFuture<Optional<TokenGrant<VisitorPrincipal>>>> visitors;
    private final ConcurrentHashMap<String, Set<Socket>> socketsByCredential = new ConcurrentHashMap<>();
    private final Clock clock;
    /** Token expiries of connected sockets; cancelled timers leave the queue at once. */
    private final ScheduledThreadPoolExecutor expiries;

    public RealtimeAuth(Function<String, CompletableFuture<Optional<TokenGrant<HomeownerPrincipal>>>> homeowners,
                        Function<String, CompletableFuture<Optional<TokenGrant<VisitorPrincipal>>>> visitors) {
        this(homeowners, visitors, Clock.systemUTC());
    }

    public RealtimeAuth(Function<String, CompletableFuture<Optional<TokenGrant<HomeownerPrincipal>>>> homeowners,
                        Function<String, CompletableFuture<Optional<TokenGrant<VisitorPrincipal>>>> visitors, Clock clock) {
        this.homeowners = homeowners;
        this.visitors = visitors;
        this.clock = clock;
        this.expiries = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("qring-token-expiry").factory());
        this.expiries.setRemoveOnCancelPolicy(true);
    }

    /** Installs the middleware on {@code ns}; {@code homeownersOnly} for the dashboard. */
    public void install(Namespace ns, boolean homeownersOnly, SignalingContext ctx) {
        ns.use((socket, next) -> {
            JsonNode auth = socket.handshake().auth();
            CompletableFuture<? extends Optional<? extends TokenGrant<? extends Principal>>> lookup;
            if (auth != null && auth.isObject() && auth.size() == 1 && auth.path("token").isTextual()) {
                lookup = homeowners.apply(auth.get("token").asText());
            } else if (!homeownersOnly && auth != null && auth.isObject() && auth.size() == 1 && auth.path("visitorToken").isTextual()) {
                lookup = visitors.apply(auth.get("visitorToken").asText());
            } else {
                next.refuse("unauthorized", null);
                return;
            }
            lookup.whenComplete((found, failure) -> {
                if (failure != null) {
                    DomainException d = DomainException.of(failure);
                    if (d.code() == ErrorCode.UNAVAILABLE) {
                        log.warn("cannot authenticate a {} connection: {}", ns.name(), d.getMessage());
                        next.refuse("unavailable", null);
                    } else {
                        next.refuse("unauthorized", null);
                    }
                    return;
                }
                if (found == null || found.isEmpty()) {
                    next.refuse("unauthorized", null);
                    return;
                }
                TokenGrant<? extends Principal> grant = found.get();
                if (grant.expiresAt() != null) socket.data().put(EXPIRES_AT, grant.expiresAt());
                socket.data().put(SignalingContext.PRINCIPAL, grant.principal());
                next.accept();
            });
        });
        // Rooms can be joined only once the socket is admitted (the adapter drops joins of unconnected sockets).
        // (only admitted sockets are remembered: one that vanished during the lookup never gets here)
        ns.onConnection(socket -> {
            Object p = socket.data().get(SignalingContext.PRINCIPAL);
            if (p instanceof HomeownerPrincipal h) {
                socket.join(Rooms.homeowner(h.homeownerId()));
                remember("t:" + h.tokenId(), socket);
            } else if (p instanceof VisitorPrincipal v) {
                remember("s:" + v.sessionId(), socket);
            }
            disconnectAtExpiry(socket);
        });
        ctx.onDisconnect(ns, (socket, reason) -> forget(socket));
    }

    private void remember(String key, Socket socket) {
        socket.data().put("qring.credentialKey", key);
        socketsByCredential.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(socket);
    }

    /** Schedules the socket's disconnect for when its token expires (at once if that is already past). */
    private void disconnectAtExpiry(Socket socket) {
        if (!(socket.data().get(EXPIRES_AT) instanceof Instant expiresAt)) return;
        long delay = Math.max(0, expiresAt.toEpochMilli() - clock.millis());
        ScheduledFuture<?> timer;
        try {
            timer = expiries.schedule(() -> {
                log.debug("token of a {} socket expired: disconnecting it", socket.namespace().name());
                socket.disconnect(false);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return;   // shutting down
        }
        socket.data().put(EXPIRY_TIMER, timer);
        // a disconnect whose clean-up ran before the timer was stored must not leave it behind
        if (!socket.connected()) timer.cancel(false);
    }

    private void forget(Socket socket) {
        if (socket.data().remove(EXPIRY_TIMER) instanceof ScheduledFuture<?> timer) timer.cancel(false);
        Object key = socket.data().get("qring.credentialKey");
        if (key == null) return;
        socketsByCredential.computeIfPresent((String) key, (k, set) -> {
            set.remove(socket);
            return set.isEmpty() ? null : set;
        });
    }

    private volatile java.util.function.Consumer<String> clusterRevoke = id -> { };

    /** With several instances: how to tell the others about a logout (they call {@link #revokedElsewhere}). */
    public void clusterRevoke(java.util.function.Consumer<String> publisher) { this.clusterRevoke = publisher; }

    /** Logout: every socket signed in with that token is disconnected now, on this instance and the others. */
    public void revokeHomeownerToken(String tokenId) {
        disconnectAll("t:" + tokenId);
        clusterRevoke.accept(tokenId);
    }

    /** Another instance saw a logout. */
    public void revokedElsewhere(String tokenId) { disconnectAll("t:" + tokenId); }

    /** A visitor session ended for good: its visitor sockets stay connected (they see session.updated) — no-op hook. */
    public int connectedVisitors(java.util.UUID sessionId) {
        Set<Socket> s = socketsByCredential.get("s:" + sessionId);
        return s == null ? 0 : s.size();
    }

    /** Stops the expiry timers (sockets end with the server anyway). */
    @Override
    public void close() {
        expiries.shutdownNow();
    }

    private void disconnectAll(String key) {
        Set<Socket> set = socketsByCredential.remove(key);
        if (set == null) return;
        for (Iterator<Socket> it = set.iterator(); it.hasNext(); ) {
            Socket s = it.next();
            s.disconnect(false);
        }
    }
}
