package dev.qring.domain.support;

import dev.qring.domain.DomainException;

/** Input checks shared by the services. Bad input → {@link DomainException} INVALID naming the field. */
public final class Text {
    private Text() { }

    /**
     * Trimmed text of {@code min..max} characters (Unicode code points), plain: no control characters other than
     * newline and tab.
     */
    public static String required(String field, String value, int min, int max) {
        if (value == null) throw DomainException.invalid(field + " is required");
        String v = value.strip();
        int n = v.codePointCount(0, v.length());
        if (n < min) throw DomainException.invalid(min <= 1 ? field + " must not be empty" : field + " must have at least " + min + " characters");
        if (n > max) throw DomainException.invalid(field + " must have at most " + max + " characters");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
                throw DomainException.invalid(field + " contains control characters");
            }
        }
        return v;
    }

    /** An identifier chosen by a client (clientId, requestId): 1..max printable ASCII characters without spaces. */
    public static String clientKey(String field, String value, int max) {
        if (value == null || value.isEmpty()) throw DomainException.invalid(field + " is required");
        if (value.length() > max) throw DomainException.invalid(field + " must have at most " + max + " characters");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) throw DomainException.invalid(field + " must be printable ASCII without spaces");
        }
        return value;
    }
}
