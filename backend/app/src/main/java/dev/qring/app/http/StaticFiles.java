package dev.qring.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the built web app from classpath {@code static/} (the qring-frontend jar).
 *
 * <ul>
 *   <li>SPA routes ({@code /}, {@code /d/*}, {@code /app/*}, {@code /diagnostics}) get {@code index.html};
 *   <li>{@code /assets/*} are content-hashed by Vite: cached for a year, immutable;
 *   <li>everything else is revalidated (ETag) so a deploy is picked up at once;
 *   <li>HTML carries a strict Content-Security-Policy: no inline script or style, no third-party origins,
 *       fetches and websocket connections to our own origin only ({@code connect-src 'self'}: under CSP Level 3
 *       'self' also matches ws:/wss: on the page's own host and port, as current browsers implement).
 * </ul>
 * Files are read once and kept in memory (the bundle is small).
 */
public final class StaticFiles implements HttpRouter.Fallback {
    public static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' blob:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private record Entry(byte[] body, String contentType, String etag) { }

    private final String root;
    private final ClassLoader loader;
    private final Map<String, Optional<Entry>> cache = new ConcurrentHashMap<>();

    public StaticFiles(String root) {
        this.root = root.endsWith("/") ? root : root + "/";
        this.loader = StaticFiles.class.getClassLoader();
    }

    /** True when the web app is on the classpath (it may be missing in a backend-only build). */
    public boolean hasIndex() { return load("index.html").isPresent(); }

    @Override
    public Response serve(String method, String path, Map<String, String> headers) {
        if (path.contains("..") || path.contains("\\") || path.contains("//") || path.contains("\0")) return null;
        String file = path.startsWith("/") ? path.substring(1) : path;
        if (isSpaRoute(path)) file = "index.html";
        Optional<Entry> e = file.isEmpty() || file.endsWith("/") ? Optional.empty() : load(file);
        if (e.isEmpty()) return null;
        Entry entry = e.get();
        String cache = file.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
        if (entry.etag.equals(headers.get("if-none-match"))) {
            return new Response(304, Map.of("etag", entry.etag, "cache-control", cache), new byte[0]);
        }
        Response r = Response.bytes(200, entry.contentType, entry.body).header("cache-control", cache).header("etag", entry.etag);
        if (entry.contentType.startsWith("text/html")) r = r.header("content-security-policy", CSP);
        return r;
    }

    static boolean isSpaRoute(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/d/") || path.equals("/app") || path.startsWith("/app/")
                || path.equals("/diagnostics") || path.equals("/login") || path.equals("/signup");
    }

    private Optional<Entry> load(String file) {
        return cache.computeIfAbsent(file, f -> {
            try (InputStream in = loader.getResourceAsStream(root + f)) {
                if (in == null) return Optional.empty();
                byte[] body = in.readAllBytes();
                return Optional.of(new Entry(body, contentType(f), "\"" + sha256(body).substring(0, 32) + "\""));
            } catch (IOException ex) {
                return Optional.empty();
            }
        });
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String contentType(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        int dot = f.lastIndexOf('.');
        String ext = dot < 0 ? "" : f.substring(dot + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json; charset=utf-8";
            case "webmanifest" -> "application/manifest+json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "ico" -> "image/x-icon";
            case "webp" -> "image/webp";
            case "woff2" -> "font/woff2";
            case "woff" -> "font/woff";
            case "txt" -> "text/plain; charset=utf-8";
            case "wasm" -> "application/wasm";
            case "mp3" -> "audio/mpeg";
            case "ogg" -> "audio/ogg";
            case "wav" -> "audio/wav";
            default -> "application/octet-stream";
        };
    }
}
