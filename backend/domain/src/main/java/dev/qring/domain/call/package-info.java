/**
 * Server-owned calls (product.md "Call state").
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link dev.qring.domain.call.CallStateMachine}: the rules, as a pure function (event + stored call + now →
 *       changed / unchanged / refused). Every transition and timer is unit-tested without I/O.</li>
 *   <li>{@link dev.qring.domain.call.CallService}: authorization, persistence ({@code call} table,
 *       {@code V2__calls.sql}) with a compare-and-set on a version column, timers, events and counters.</li>
 *   <li>The realtime side lives in {@code dev.qring.app.realtime.calls} (handlers, relay, presence, Micrometer).</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>connecting</b> = the first {@code rtc.answer} of an accepted call (offer and answer exchanged: ICE runs);
 *       <b>connected</b> = the first {@code call.stats} report (the client saw a selected candidate pair). The
 *       server is not in the media path, so a client report is the only evidence of media it can have. A report
 *       whose browser could not name the pair ("unknown" fields) still counts as connected, with a null path.</li>
 *   <li><b>Timers</b>: ring 30 s ({@code QRING_CALL_RING_TIMEOUT}) → missed; answered but no media reported within
 *       45 s → failed ("setup_timeout": no media path); a party's last signaling connection gone for 20 s → failed
 *       ("visitor_lost" / "homeowner_lost"). Deadlines derive from stored instants, so they survive restarts:
 *       {@code recoverTimers(clustered)} re-arms them at startup; on a single instance a restart counts as every
 *       party disconnecting (they have the grace to come back), in a cluster it does not (parties may be connected
 *       to other instances). A sweeper (every 5 s) ends live calls of sessions that are no longer active
 *       and applies deadlines whose timer was lost.</li>
 *   <li><b>Who may act</b>: the callee accepts/declines (on the homeowner side any device; the first accept binds
 *       the call to that device — its bearer token — and later accepts from other devices get {@code conflict}),
 *       the caller cancels, either party ends. Hanging up while it rings means cancel (caller) or decline (callee).
 *       {@code call.end} with reason {@code media_failed} ends the call as failed. Once a homeowner device is bound,
 *       the homeowner's other devices may not signal, end or cancel ({@code forbidden}).</li>
 *   <li><b>Idempotency</b>: a repeated {@code call.start} (same side, same clientCallId) returns the first call; a
 *       repeated accept (same device) / decline / cancel / end gets the current call, and so does a party's end /
 *       cancel / decline of a call that its own hang-up already finished (an end while ringing became a cancel or a
 *       decline; the retried end must not be {@code conflict}); the realtime layer answers a retried accept of a
 *       call that has ended since without ICE servers (no fresh TURN credentials); an event that no longer fits
 *       (accept after cancel, cancel after accept, signaling before accept or after the end) is {@code conflict}
 *       and the refusal carries the current call.</li>
 *   <li><b>Path</b>: "relay/udp|tcp|tls" when either end relays (the relayed side's TURN transport when it is the
 *       one reporting), else "direct/udp|tcp". With two reports, or after an ICE restart, the most demanding path
 *       seen is kept (what the call needed to get through).</li>
 *   <li><b>One live call per session</b> is a schema rule: {@code live_session_id} is the session id while the call
 *       is non-terminal and NULL after, under a UNIQUE constraint (H2 has no partial indexes).</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * Presence (who is still connected) is counted per server instance. With several instances
 * ({@code QRING_REDIS_URL}) {@code recoverTimers(true)} re-arms deadlines without marking anyone lost, so an
 * instance start never fails calls held by other instances; the price: a party whose instance crashed and who never
 * reconnects anywhere is not noticed by the grace timer (the call ends by the other party's hang-up, the setup
 * timeout if media never connected, or the session closing). Closing that gap needs per-device call presence in
 * the shared adapter (Redis).
 */
package dev.qring.domain.call;
