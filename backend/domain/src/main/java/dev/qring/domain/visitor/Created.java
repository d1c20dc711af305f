package dev.qring.domain.visitor;

/**
 * The result of creating a visitor session. {@code replay} is true when the requestId was seen before at this door:
 * the same session comes back with a FRESH token; earlier tokens of that session stay valid until they expire.
 */
public record Created(VisitorSession session, String visitorToken, boolean replay) { }
