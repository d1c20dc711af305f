package dev.qring.domain.visitor;

import dev.qring.domain.DomainException;

import java.util.Locale;

/**
 * Visitor session status (product.md): {@code ringing → active | declined | missed}, then {@code active | missed →
 * ended} (either side ends, or the visitor token expires). {@code declined} and {@code ended} are terminal and never
 * change. Chat is open in ringing, active and missed (a visitor can leave a note).
 */
public enum SessionStatus {
    RINGING, ACTIVE, DECLINED, MISSED, ENDED;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public boolean isTerminal() { return this == DECLINED || this == ENDED; }

    public boolean chatOpen() { return this == RINGING || this == ACTIVE || this == MISSED; }

    /** Parses the wire form; INVALID for anything else. */
    public static SessionStatus fromWire(String s) {
        if (s != null) {
            for (SessionStatus v : values()) if (v.wire().equals(s)) return v;
        }
        throw DomainException.invalid("status must be one of ringing, active, declined, missed, ended");
    }
}
