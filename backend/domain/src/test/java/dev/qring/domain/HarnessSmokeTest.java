package dev.qring.domain;

import dev.qring.testkit.RedisProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RedisProcess harness (used by the fan-out tests) answers, stops by pid and comes back on the same port. */
class HarnessSmokeTest {
    @Test
    void redisStartsAnswersStopsAndRestarts() throws Exception {
        try (RedisProcess redis = RedisProcess.startNew()) {
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(ping(redis.port())).isEqualTo("+PONG");
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> ping(redis.port())).isInstanceOf(IOException.class);
            redis.start();
            assertThat(ping(redis.port())).isEqualTo("+PONG");
        }
    }

    private static String ping(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') sb.append((char) c);
            return sb.toString();
        }
    }
}
