package dev.qring.domain;

/**
 * Who is asking. Obtained only from credentials ({@code AccountService.authenticate} for {@code qh_} tokens,
 * {@code VisitorSessionService.authenticateVisitor} for {@code qv_} tokens), never from request payloads.
 */
public sealed interface Principal permits HomeownerPrincipal, VisitorPrincipal {
    /** {@code "homeowner"} or {@code "visitor"}: the wire role (message senderRole, read markers). */
    String role();

    String ROLE_HOMEOWNER = "homeowner";
    String ROLE_VISITOR = "visitor";
}
