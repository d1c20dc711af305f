package dev.qring.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocketFactory;

/**
 * Readiness probe for Redis: connects, optionally AUTHs with the URL's credentials, sends PING, expects +PONG.
 * A tiny RESP exchange instead of a client library, because readiness only needs "is it answering".
 */
public final class RedisPing {
    private RedisPing() { }

    public static boolean ping(String url, int timeoutMillis) {
        try {
            URI u = URI.create(url);
            int port = u.getPort() > 0 ? u.getPort() : 6379;
            boolean tls = "rediss".equalsIgnoreCase(u.getScheme());
            try (java.net.Socket s = tls ? SSLSocketFactory.getDefault().createSocket() : new java.net.Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), timeoutMillis);
                s.setSoTimeout(timeoutMillis);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                String userInfo = u.getRawUserInfo();
                if (userInfo != null && !userInfo.isEmpty()) {
                    String[] parts = userInfo.split(":", 2);
                    String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                    String pass = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
                    out.write(user.isEmpty() ? command("AUTH", pass) : command("AUTH", user, pass));
                    if (!readLine(in).startsWith("+OK")) return false;
                }
                out.write(command("PING"));
                out.flush();
                return readLine(in).startsWith("+PONG");
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && sb.length() < 256) sb.append((char) c);
        return sb.toString();
    }
}
