package dev.qring.domain.call;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The two sides of a visitor session, as they appear on a call ({@code initiatorRole}) and on the wire. */
public enum CallRole {
    VISITOR, HOMEOWNER;

    public CallRole other() {
        return this == VISITOR ? HOMEOWNER : VISITOR;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CallRole fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
