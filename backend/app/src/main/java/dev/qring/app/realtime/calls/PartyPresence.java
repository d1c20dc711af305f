package dev.qring.app.realtime.calls;

import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a call party still has a signaling connection on this server: a visitor (its session's token) or a
 * homeowner device (one bearer token). Counts sockets per party; when the count drops to zero {@code onGone} runs
 * (the call's reconnect grace starts), when it rises from zero {@code onBack} runs (the grace is cancelled).
 *
 * <p>Ordering: connects and disconnects may be seen on different threads in quick succession (a phone switching
 * networks). Each party has a serial task chain that RECONCILES — compares the current count with what was last
 * reported — so whatever order the tasks run in, the last report matches the last count. Per server instance
 * (with a cluster, presence would move to the shared adapter).
 */
final class PartyPresence {
    private static final Logger log = LoggerFactory.getLogger(PartyPresence.class);

    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final ConcurrentHashMap<String, Party> parties = new ConcurrentHashMap<>();
    private final Executor executor;
    private final Consumer<Principal> onGone;
    private final Consumer<Principal> onBack;

    PartyPresence(Executor executor, Consumer<Principal> onGone, Consumer<Principal> onBack) {
        this.executor = executor;
        this.onGone = onGone;
        this.onBack = onBack;
    }

    private final class Party {
        final String key;
        final Principal principal;
        final AtomicInteger sockets = new AtomicInteger();
        /** null: nothing reported yet; TRUE: reported back; FALSE: reported gone. Touched by the chain only. */
        Boolean reportedPresent;
        private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);

        Party(String key, Principal principal) {
            this.key = key;
            this.principal = principal;
        }

        synchronized void reconcileLater() {
            chain = chain.thenRunAsync(this::reconcile, executor);
        }

        /** After a failed report (database unavailable): try again later, or the grace would never start. */
        private void retryLater() {
            CompletableFuture.delayedExecutor(RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS, executor)
                    .execute(this::reconcileLater);
        }

        private void reconcile() {
            try {
                boolean present = sockets.get() > 0;
                if (present && !Boolean.TRUE.equals(reportedPresent)) {
                    onBack.accept(principal);
                    reportedPresent = true;
                } else if (!present && !Boolean.FALSE.equals(reportedPresent)) {
                    onGone.accept(principal);
                    reportedPresent = false;
                }
            } catch (RuntimeException e) {
                if (e instanceof DomainException d && d.code() == ErrorCode.UNAVAILABLE) {
                    log.warn("call presence update failed, retrying: {}", e.toString());
                    retryLater();
                    return;
                }
                log.error("call presence update failed", e);
            }
            // Forget parties without sockets (a fresh entry starts over: its first connect reports "back") — but only
            // once "gone" has been reported: a party whose last socket left while "back" was being reported still has
            // its "gone" queued on this chain, and a fresh entry's "back" must not overtake it (back, back, gone would
            // leave a connected party marked lost).
            if (!present()) {
                parties.computeIfPresent(key, (k, p) ->
                        p == this && p.sockets.get() == 0 && Boolean.FALSE.equals(reportedPresent) ? null : p);
            }
        }

        private boolean present() { return sockets.get() > 0; }
    }

    static String key(Principal p) {
        return switch (p) {
            case VisitorPrincipal v -> "v:" + v.sessionId();
            case HomeownerPrincipal h -> "h:" + h.homeownerId() + ":" + h.tokenId();
        };
    }

    /** A socket of {@code p} connected. Non-blocking (runs on the event loop). */
    void connected(Principal p) {
        Party party = parties.compute(key(p), (k, e) -> {
            Party x = e != null ? e : new Party(k, p);
            x.sockets.incrementAndGet();
            return x;
        });
        party.reconcileLater();
    }

    /** A socket of {@code p} disconnected. Non-blocking. */
    void disconnected(Principal p) {
        Party party = parties.computeIfPresent(key(p), (k, e) -> {
            e.sockets.updateAndGet(n -> Math.max(0, n - 1));
            return e;
        });
        if (party != null) party.reconcileLater();
    }

    /** Sockets currently counted for {@code p} (tests). */
    int sockets(Principal p) {
        Party party = parties.get(key(p));
        return party == null ? 0 : party.sockets.get();
    }
}
