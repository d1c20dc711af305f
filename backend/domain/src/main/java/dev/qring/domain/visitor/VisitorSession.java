package dev.qring.domain.visitor;

import java.time.Instant;
import java.util.UUID;

/**
 * A visitor session as both parties see it. {@code endReason} (when ended or declined): {@code declined},
 * {@code ended_by_visitor}, {@code ended_by_homeowner}, {@code expired} (visitor token expired) or
 * {@code door_removed}.
 */
public record VisitorSession(UUID id, UUID doorId, String doorLabel, UUID homeownerId, SessionStatus status,
                             String visitorName, String purpose, Instant createdAt, Instant answeredAt,
                             Instant endedAt, String endReason) { }
