package dev.qring.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qring.engineio.NettyHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The router on a real Netty server: unexpected failures and bodies above the server-wide aggregation limit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpRouterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int AGGREGATOR_LIMIT = 8 * 1024;

    ExecutorService executor;
    NettyHttpServer server;

    @BeforeAll
    void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpRouter router = new HttpRouter(executor, 1024)
                .get("/api/boom", req -> { throw new IllegalStateException("secret detail from /etc/passwd"); })
                .post("/api/echo", req -> Response.ok(Map.of("bytes", req.body().length)));
        router.fallback((method, path, headers) -> { throw new IllegalStateException("secret static detail"); });
        server = NettyHttpServer.start(new InetSocketAddress("127.0.0.1", 0), AGGREGATOR_LIMIT, router);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        executor.close();
    }

    @Test
    void unexpectedFailuresAre500UnavailableWithoutDetails() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/api/boom", "/some/page")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(500);
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("code").asText()).as(path).isEqualTo("unavailable");
            assertThat(error.path("message").asText()).as(path).isEqualTo("internal error");
            assertThat(r.body()).as(path).doesNotContain("secret").doesNotContain("Exception");
        }
    }

    @Test
    void aChunkedBodyAboveTheAggregatorLimitGetsAJson413AndTheConnectionIsClosed() throws Exception {
        StringBuilder req = new StringBuilder("POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        String chunk = "y".repeat(1000);
        for (int i = 0; i < 20; i++) req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        req.append("0\r\n\r\n");
        assertTooLargeAndClosed(exchange(req.toString()));
    }

    @Test
    void anExpectContinueAboveTheLimitGetsAJson413InsteadOfContinue() throws Exception {
        String req = "POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                + "Content-Length: 100000\r\n\r\n";
        String res = exchange(req);
        assertThat(res).doesNotContain("100 Continue");
        assertTooLargeAndClosed(res);
    }

    @Test
    void bodiesWithinTheLimitStillWork() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/echo"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("bytes").asInt()).isEqualTo(7);
    }

    /** Sends raw bytes, then reads until the server closes the connection (a kept-open connection times out). */
    private String exchange(String request) throws IOException {
        try (Socket sock = new Socket("127.0.0.1", server.port())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException ignored) {
                // the server may have stopped reading: its answer is what counts
            }
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertTooLargeAndClosed(String res) throws IOException {
        assertThat(res).startsWith("HTTP/1.1 413");
        int end = res.indexOf("\r\n\r\n");
        String head = res.substring(0, end).toLowerCase(Locale.ROOT);
        assertThat(head).contains("content-type: application/json").contains("connection: close");
        JsonNode error = JSON.readTree(res.substring(end + 4)).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid");
        assertThat(error.path("message").asText()).contains("too large").contains(Integer.toString(AGGREGATOR_LIMIT));
    }
}
