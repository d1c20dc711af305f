package dev.qring.app.api;

import dev.qring.app.http.HttpRouter;
import dev.qring.app.http.RedisPing;
import dev.qring.app.http.Response;
import dev.qring.app.metrics.AppMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health/live}: the process answers (200 always while it runs).
 * {@code GET /health/ready}: {@code {status, checks:{database, redis, turn}}}; 503 when a required dependency is down.
 * The database is required; Redis is required only when configured ("disabled" otherwise); TURN is reported
 * ("configured" / "not_configured") but never makes the server unready — chat works without it.
 * {@code GET /metrics}: Prometheus text.
 */
public final class HealthRoutes {
    private HealthRoutes() { }

    public static void register(HttpRouter router, Supplier<CompletableFuture<Boolean>> databaseCheck, String redisUrl,
                                BooleanSupplier turnConfigured, AppMetrics metrics) {
        router.get("/health/live", r -> Response.ok(Map.of("status", "ok")));
        router.get("/health/ready", r -> {
            CompletableFuture<Boolean> db = databaseCheck.get();
            boolean redisUp = redisUrl == null || RedisPing.ping(redisUrl, 1000);
            boolean dbUp;
            try {
                dbUp = Boolean.TRUE.equals(db.get(2, java.util.concurrent.TimeUnit.SECONDS));
            } catch (Exception e) {
                dbUp = false;
            }
            Map<String, String> checks = new LinkedHashMap<>();
            checks.put("database", dbUp ? "up" : "down");
            checks.put("redis", redisUrl == null ? "disabled" : redisUp ? "up" : "down");
            checks.put("turn", turnConfigured.getAsBoolean() ? "configured" : "not_configured");
            boolean ready = dbUp && redisUp;
            return Response.json(ready ? 200 : 503, Map.of("status", ready ? "ok" : "unavailable", "checks", checks));
        });
        router.get("/metrics", r -> Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }
}
