package dev.qring.domain;

import java.util.UUID;

/** A visitor: its token reaches exactly one visitor session ({@code sessionId}). */
public record VisitorPrincipal(UUID sessionId, UUID doorId, UUID homeownerId) implements Principal {
    @Override
    public String role() { return ROLE_VISITOR; }
}
