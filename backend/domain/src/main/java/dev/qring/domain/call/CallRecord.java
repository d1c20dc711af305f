package dev.qring.domain.call;

import java.time.Instant;
import java.util.UUID;

/**
 * A call as the server stores it: the public {@link Call} fields plus who holds it and who is missing.
 *
 * @param homeownerId     the session's homeowner (whose dashboard hears about the call)
 * @param homeownerDevice the homeowner device that is a party of the call: the one that started it, or the first
 *                        to accept it. Null while a visitor's call rings on every homeowner device.
 * @param visitorLostAt   when the visitor's signaling connection went away mid-call (null: present)
 * @param homeownerLostAt when the homeowner device's signaling connection went away mid-call (null: present)
 * @param version         optimistic-concurrency counter: every stored change increments it
 */
public record CallRecord(UUID id, UUID sessionId, UUID homeownerId, String clientCallId, CallRole initiatorRole, CallMedia media,
                         CallState state, Instant createdAt, Instant answeredAt, Instant connectedAt, Instant endedAt,
                         String endReason, String path, Integer setupMs,
                         String homeownerDevice, Instant visitorLostAt, Instant homeownerLostAt, long version) {

    /** A new call, ringing. The caller's own device is bound when the homeowner calls. */
    public static CallRecord ringing(UUID id, UUID sessionId, UUID homeownerId, String clientCallId, CallRole initiator,
                                     String initiatorDevice, CallMedia media, Instant now) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiator, media, CallState.RINGING, now, null, null, null,
                null, null, null, initiator == CallRole.HOMEOWNER ? initiatorDevice : null, null, null, 0);
    }

    public Call toCall() {
        return new Call(id, sessionId, clientCallId, initiatorRole, media, state, createdAt, answeredAt, connectedAt,
                endedAt, endReason, path, setupMs);
    }

    public CallRole calleeRole() {
        return initiatorRole.other();
    }

    public Instant lostAt(CallRole role) {
        return role == CallRole.VISITOR ? visitorLostAt : homeownerLostAt;
    }

    CallRecord withState(CallState s) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, s, createdAt, answeredAt, connectedAt,
                endedAt, endReason, path, setupMs, homeownerDevice, visitorLostAt, homeownerLostAt, version);
    }

    CallRecord answered(Instant at, String device) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, CallState.ACCEPTED, createdAt, at,
                connectedAt, endedAt, endReason, path, setupMs, device, visitorLostAt, homeownerLostAt, version);
    }

    /** Terminal: lost markers are cleared, they no longer matter. */
    CallRecord finished(CallState terminal, Instant at, String reason) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, terminal, createdAt, answeredAt,
                connectedAt, at, reason, path, setupMs, homeownerDevice, null, null, version);
    }

    CallRecord connected(Instant at, String newPath, Integer newSetupMs) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, CallState.CONNECTED, createdAt,
                answeredAt, at, endedAt, endReason, newPath, newSetupMs, homeownerDevice, visitorLostAt,
                homeownerLostAt, version);
    }

    CallRecord withPath(String newPath) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, state, createdAt, answeredAt,
                connectedAt, endedAt, endReason, newPath, setupMs, homeownerDevice, visitorLostAt, homeownerLostAt,
                version);
    }

    CallRecord withLost(CallRole role, Instant at) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, state, createdAt, answeredAt,
                connectedAt, endedAt, endReason, path, setupMs, homeownerDevice,
                role == CallRole.VISITOR ? at : visitorLostAt, role == CallRole.HOMEOWNER ? at : homeownerLostAt,
                version);
    }

    public CallRecord withVersion(long v) {
        return new CallRecord(id, sessionId, homeownerId, clientCallId, initiatorRole, media, state, createdAt, answeredAt,
                connectedAt, endedAt, endReason, path, setupMs, homeownerDevice, visitorLostAt, homeownerLostAt, v);
    }
}
