package dev.qring.domain.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random opaque secrets (bearer tokens, QR slugs) and their stored form (SHA-256 hex). */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Tokens() { }

    /** {@code prefix} + base64url of {@code bytes} random bytes (32 bytes = 256 bits). */
    public static String random(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + B64.encodeToString(b);
    }

    /** What the database stores instead of the token: a lookup on the hash never needs the secret itself. */
    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cheap shape check before touching the database: prefix plus 20..200 base64url characters. */
    public static boolean looksLike(String token, String prefix) {
        if (token == null || !token.startsWith(prefix)) return false;
        int n = token.length() - prefix.length();
        if (n < 20 || n > 200) return false;
        for (int i = prefix.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) return false;
        }
        return true;
    }
}
