package dev.qring.domain;

import java.util.UUID;

/** A signed-in homeowner; {@code tokenId} identifies the bearer token (logout revokes exactly that one). */
public record HomeownerPrincipal(UUID homeownerId, String tokenId) implements Principal {
    @Override
    public String role() { return ROLE_HOMEOWNER; }
}
