package dev.qring.domain.account;

/** A fresh bearer token ({@code qh_...}, shown once, stored only hashed) and its homeowner. */
public record AuthResult(String token, Homeowner homeowner) { }
