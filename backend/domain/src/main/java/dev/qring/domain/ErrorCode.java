package dev.qring.domain;

import java.util.Locale;

/** The stable error codes of product.md. {@link #wire()} is the string clients see in {@code error.code}. */
public enum ErrorCode {
    UNAUTHORIZED, FORBIDDEN, NOT_FOUND, INVALID, CONFLICT, RATE_LIMITED, NOT_SAVED, UNAVAILABLE;

    /** The wire form: {@code "not_saved"}, {@code "rate_limited"}, ... */
    public String wire() { return name().toLowerCase(Locale.ROOT); }
}
