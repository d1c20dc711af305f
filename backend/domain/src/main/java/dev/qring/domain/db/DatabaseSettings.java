package dev.qring.domain.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives.
 *
 * @param url            {@code QRING_DATABASE_URL}: {@code postgresql://user:pass@host:port/db} or
 *                       {@code jdbc:postgresql://...}; null/blank → embedded H2 file database under {@code dataDir}
 * @param dataDir        {@code QRING_DATA_DIR} (default {@code ./data}); used only for the embedded database
 * @param poolSize       maximum pooled connections (default 10)
 * @param connectTimeout how long to wait for a pooled connection before failing (default 1 s: an outage must fail
 *                       fast so chat can answer {@code not_saved} within its bound)
 */
public record DatabaseSettings(String url, Path dataDir, int poolSize, Duration connectTimeout) {
    public DatabaseSettings {
        if (url != null && url.isBlank()) url = null;
        if (dataDir == null) dataDir = Path.of("data");
        if (poolSize <= 0) poolSize = 10;
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(1);
    }

    public static DatabaseSettings embedded(Path dataDir) { return new DatabaseSettings(null, dataDir, 0, null); }

    public static DatabaseSettings postgres(String url) { return new DatabaseSettings(url, null, 0, null); }

    /** From {@code QRING_DATABASE_URL} and {@code QRING_DATA_DIR}. */
    public static DatabaseSettings fromEnv(java.util.Map<String, String> env) {
        String dir = env.get("QRING_DATA_DIR");
        return new DatabaseSettings(env.get("QRING_DATABASE_URL"), dir == null || dir.isBlank() ? null : Path.of(dir), 0, null);
    }

    public boolean isEmbedded() { return url == null; }
}
