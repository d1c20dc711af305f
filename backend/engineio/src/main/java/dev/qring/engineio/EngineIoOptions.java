package dev.qring.engineio;

import java.time.Duration;
import java.util.List;

/**
 * Engine.IO v4 server options.
 *
 * @param path               request path served, with trailing slash ("/engine.io/"); the form without slash also matches
 * @param pingInterval       the server sends a PING this long after the last PONG (or the handshake)
 * @param pingTimeout        the client must answer a PING within this time, else the session closes with "ping timeout"
 * @param maxPayload         largest accepted websocket message / polling POST body, in bytes (announced in the handshake)
 * @param corsOrigins        allowed Origin values for polling and websocket; "*" allows any (the request origin is echoed)
 * @param allowUpgrades      polling sessions may upgrade to websocket
 * @param allowPolling       HTTP long-polling is served (websocket always is)
 * @param outboundQueueLimit bytes that may wait for one slow client before it is disconnected (and counted)
 * @param upgradeTimeout     a websocket probe that does not complete the upgrade within this time is closed
 */
public record EngineIoOptions(String path, Duration pingInterval, Duration pingTimeout, int maxPayload,
                              List<String> corsOrigins, boolean allowUpgrades, boolean allowPolling,
                              long outboundQueueLimit, Duration upgradeTimeout) {

    public EngineIoOptions {
        if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with /: " + path);
        if (!path.endsWith("/")) path = path + "/";
        corsOrigins = List.copyOf(corsOrigins);
        if (maxPayload <= 0 || outboundQueueLimit <= 0) throw new IllegalArgumentException("limits must be positive");
    }

    public static EngineIoOptions defaults() {
        return new EngineIoOptions("/engine.io/", Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000,
                List.of("*"), true, true, 4L * 1024 * 1024, Duration.ofSeconds(10));
    }

    public EngineIoOptions withPath(String p) { return new EngineIoOptions(p, pingInterval, pingTimeout, maxPayload, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, upgradeTimeout); }
    public EngineIoOptions withPing(Duration interval, Duration timeout) { return new EngineIoOptions(path, interval, timeout, maxPayload, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, upgradeTimeout); }
    public EngineIoOptions withMaxPayload(int bytes) { return new EngineIoOptions(path, pingInterval, pingTimeout, bytes, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, upgradeTimeout); }
    public EngineIoOptions withCorsOrigins(List<String> origins) { return new EngineIoOptions(path, pingInterval, pingTimeout, maxPayload, origins, allowUpgrades, allowPolling, outboundQueueLimit, upgradeTimeout); }
    public EngineIoOptions withTransports(boolean upgrades, boolean polling) { return new EngineIoOptions(path, pingInterval, pingTimeout, maxPayload, corsOrigins, upgrades, polling, outboundQueueLimit, upgradeTimeout); }
    public EngineIoOptions withOutboundQueueLimit(long bytes) { return new EngineIoOptions(path, pingInterval, pingTimeout, maxPayload, corsOrigins, allowUpgrades, allowPolling, bytes, upgradeTimeout); }
    public EngineIoOptions withUpgradeTimeout(Duration d) { return new EngineIoOptions(path, pingInterval, pingTimeout, maxPayload, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, d); }
}
