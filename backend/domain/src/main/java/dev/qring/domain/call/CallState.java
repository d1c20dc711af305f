package dev.qring.domain.call;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The server-owned state of a call (product.md "Call state"):
 * {@code ringing → accepted → connecting → connected → ended}, with the terminal alternatives
 * {@code declined}, {@code missed}, {@code cancelled} and {@code failed}. Terminal states never change.
 */
public enum CallState {
    RINGING, ACCEPTED, CONNECTING, CONNECTED, ENDED, DECLINED, MISSED, CANCELLED, FAILED;

    public boolean terminal() {
        return switch (this) {
            case ENDED, DECLINED, MISSED, CANCELLED, FAILED -> true;
            default -> false;
        };
    }

    /** True once a callee device took the call and until it ends: media may be negotiated. */
    public boolean answered() {
        return this == ACCEPTED || this == CONNECTING || this == CONNECTED;
    }

    /** The lower-case name used on the wire and in the database. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CallState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
