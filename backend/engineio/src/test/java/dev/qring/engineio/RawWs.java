package dev.qring.engineio;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw websocket test client (JDK): collects text (String) and binary (byte[]) messages in arrival order. */
final class RawWs implements WebSocket.Listener, AutoCloseable {
    final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();
    private final boolean autoRead;
    volatile boolean autoPong = true;
    WebSocket ws;

    private RawWs(boolean autoRead) { this.autoRead = autoRead; }

    static RawWs connect(String url) { return connect(url, true); }

    /** {@code autoRead=false}: never asks for more than the first message (simulates a client that stops reading). */
    static RawWs connect(String url, boolean autoRead) {
        RawWs c = new RawWs(autoRead);
        c.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), c).join();
        return c;
    }

    @Override public void onOpen(WebSocket webSocket) { webSocket.request(1); }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String m = text.toString();
            text.setLength(0);
            // answer server pings at once (a busy test thread must not cause a ping timeout); still queued for tests
            if (autoPong && m.equals("2")) enqueueSend(() -> webSocket.sendText("3", true));
            messages.add(m);
        }
        if (autoRead) webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        bin.writeBytes(b);
        if (last) { messages.add(bin.toByteArray()); bin = new java.io.ByteArrayOutputStream(); }
        if (autoRead) webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) { closed.complete(-1); }

    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    /** The JDK client allows one send at a time: chain them (test thread and automatic pongs). */
    private synchronized CompletableFuture<?> enqueueSend(java.util.function.Supplier<CompletableFuture<WebSocket>> send) {
        CompletableFuture<?> next = lastSend.handle((r, e) -> null).thenCompose(x -> send.get());
        lastSend = next;
        return next;
    }

    void send(String s) { enqueueSend(() -> ws.sendText(s, true)).join(); }

    void sendBinary(byte[] b) { enqueueSend(() -> ws.sendBinary(ByteBuffer.wrap(b), true)).join(); }

    /** Next message, skipping server pings ("2") unless {@code keepPings}. */
    Object next() { return next(false); }

    Object next(boolean keepPings) {
        try {
            while (true) {
                Object m = messages.poll(10, TimeUnit.SECONDS);
                if (m == null) throw new AssertionError("no message within 10 s");
                if (!keepPings && "2".equals(m)) continue; // already answered by the listener
                return m;
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    String nextText() {
        Object m = next();
        if (!(m instanceof String s)) throw new AssertionError("expected text, got binary");
        return s;
    }

    /** Waits for the close (or error) and returns the status code (-1 on abnormal end). */
    int awaitClose() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("websocket not closed within 10 s");
        }
    }

    @Override
    public void close() {
        if (!closed.isDone()) ws.abort();
    }
}
