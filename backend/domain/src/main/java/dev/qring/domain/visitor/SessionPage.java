package dev.qring.domain.visitor;

import java.util.List;

/** One page of a homeowner's sessions, newest first; {@code next} is the cursor for the following page (or null). */
public record SessionPage(List<VisitorSession> sessions, String next) { }
