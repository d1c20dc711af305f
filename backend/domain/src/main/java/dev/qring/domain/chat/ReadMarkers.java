package dev.qring.domain.chat;

import java.util.UUID;

/** How far each role has read a session's chat, and the session's last seq. */
public record ReadMarkers(UUID sessionId, long visitorReadSeq, long homeownerReadSeq, long lastSeq) { }
