package dev.qring.domain;

import java.time.Instant;

/**
 * A principal together with the moment its credential stops working: long-lived connections (Socket.IO) are
 * ended then, since they are authenticated only once, at connect.
 */
public record TokenGrant<P extends Principal>(P principal, Instant expiresAt) { }
