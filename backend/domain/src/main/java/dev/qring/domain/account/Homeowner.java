package dev.qring.domain.account;

import java.time.Instant;
import java.util.UUID;

/** A homeowner as shown to its owner ({@code GET /me}). Never carries the password hash. */
public record Homeowner(UUID id, String email, String displayName, Instant createdAt) { }
