package dev.qring.app;

import dev.qring.app.config.AppConfig;
import dev.qring.app.config.ConfigException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./qring run}: reads the configuration from the environment, starts {@link QRingServer}, prints where to
 * open it, and stops gracefully on SIGTERM/Ctrl-C. An invalid configuration exits with code 2 and one line naming
 * the variable (no stack trace).
 */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        // Chosen before the first logger exists: logback.xml picks the appender from this property.
        String format = env.getOrDefault("QRING_LOG_FORMAT", "text").strip().toLowerCase(Locale.ROOT);
        System.setProperty("qring.log.appender", format.equals("json") ? "json" : "text");

        AppConfig config;
        try {
            config = AppConfig.fromEnvironment(env);
        } catch (ConfigException e) {
            System.err.println("qring: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        QRingServer server;
        try {
            server = QRingServer.start(config);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("startup failed", e);
            System.err.println("qring: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            org.slf4j.LoggerFactory.getLogger(Main.class).info("shutting down");
            server.close();
        }, "qring-shutdown"));
        System.out.println(banner(config, server.port()));
    }

    static String banner(AppConfig c, int port) {
        String local = "http://localhost:" + port;
        String api = local + "/api/v1";
        return """

                QRing is running on port %d  (public URL %s)
                  Dashboard:       %s/app  (sign up, create a door, print its QR code)
                  A door's visitor page: %s/d/{qrSlug}  (the QR code of each door points there)
                  Health:          %s/health/ready     Metrics: %s/metrics
                  Database:        %s

                Quick start with curl:
                  TOKEN=$(curl -s %s/auth/signup -H 'content-type: application/json' \\
                    -d '{"email":"me@example.com","password":"correct horse battery","displayName":"Me"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s %s/doors -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"label":"Front door"}'
                  curl -s %s/doors/<door id>/qr.svg -H "authorization: Bearer $TOKEN" -o door.svg
                  curl -s %s/visitor-sessions -H 'content-type: application/json' \\
                    -d '{"qrSlug":"<qrSlug>","requestId":"r-1","visitorName":"Pat","purpose":"parcel"}'
                """.formatted(port, c.publicUrl(), local, c.publicUrl(), local, local,
                c.embeddedDatabase() ? "embedded (" + c.dataDir().toAbsolutePath().normalize() + ")" : "PostgreSQL",
                api, api, api, api);
    }
}
