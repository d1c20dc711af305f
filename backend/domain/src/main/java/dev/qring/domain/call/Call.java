package dev.qring.domain.call;

import java.time.Instant;
import java.util.UUID;

/**
 * A call as clients see it (product.md "call" shape). {@code path} is what the clients reported through
 * {@code call.stats} ("relay/udp", "direct/udp", "relay/tls", ...), {@code setupMs} the reported setup time;
 * both stay null until a media connection is reported.
 */
public record Call(UUID id, UUID sessionId, String clientCallId, CallRole initiatorRole, CallMedia media,
                   CallState state, Instant createdAt, Instant answeredAt, Instant connectedAt, Instant endedAt,
                   String endReason, String path, Integer setupMs) {
}
