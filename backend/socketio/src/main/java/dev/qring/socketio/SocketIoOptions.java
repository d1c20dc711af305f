package dev.qring.socketio;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Server options. Defaults follow the official server: pingInterval 25 s, pingTimeout 20 s, maxPayload 1e6 bytes,
 * connectTimeout 45 s, path "/socket.io/", upgrades to websocket allowed.
 *
 * @param corsOrigins         origins allowed for polling (and websocket Origin check); "*" allows any
 * @param outboundQueueLimit  bytes queued for one connection before it is disconnected as a slow reader
 * @param adapterFactory      creates the adapter of each namespace (in-memory by default; Redis for clusters)
 */
public record SocketIoOptions(String path, Duration pingInterval, Duration pingTimeout, int maxPayload,
                              Duration connectTimeout, List<String> corsOrigins, boolean allowUpgrades,
                              boolean allowPolling, long outboundQueueLimit,
                              Function<Namespace, Adapter> adapterFactory) {

    public static SocketIoOptions defaults() {
        return new SocketIoOptions("/socket.io/", Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000,
                Duration.ofSeconds(45), List.of("*"), true, true, 4L * 1024 * 1024, null);
    }

    public SocketIoOptions withPath(String p) { return new SocketIoOptions(p, pingInterval, pingTimeout, maxPayload, connectTimeout, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, adapterFactory); }
    public SocketIoOptions withPing(Duration interval, Duration timeout) { return new SocketIoOptions(path, interval, timeout, maxPayload, connectTimeout, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, adapterFactory); }
    public SocketIoOptions withMaxPayload(int bytes) { return new SocketIoOptions(path, pingInterval, pingTimeout, bytes, connectTimeout, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, adapterFactory); }
    public SocketIoOptions withConnectTimeout(Duration d) { return new SocketIoOptions(path, pingInterval, pingTimeout, maxPayload, d, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, adapterFactory); }
    public SocketIoOptions withCorsOrigins(List<String> origins) { return new SocketIoOptions(path, pingInterval, pingTimeout, maxPayload, connectTimeout, origins, allowUpgrades, allowPolling, outboundQueueLimit, adapterFactory); }
    public SocketIoOptions withOutboundQueueLimit(long bytes) { return new SocketIoOptions(path, pingInterval, pingTimeout, maxPayload, connectTimeout, corsOrigins, allowUpgrades, allowPolling, bytes, adapterFactory); }
    public SocketIoOptions withAdapterFactory(Function<Namespace, Adapter> f) { return new SocketIoOptions(path, pingInterval, pingTimeout, maxPayload, connectTimeout, corsOrigins, allowUpgrades, allowPolling, outboundQueueLimit, f); }
}
