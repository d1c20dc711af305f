package dev.qring.domain.chat;

import java.time.Instant;
import java.util.UUID;

/** A stored chat message. {@code seq} is per session, starts at 1, has no gaps and only grows. */
public record Message(UUID id, UUID sessionId, long seq, String clientId, String senderRole, String body, Instant createdAt) { }
