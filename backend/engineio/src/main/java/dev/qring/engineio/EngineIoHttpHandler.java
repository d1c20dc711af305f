package dev.qring.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes Engine.IO HTTP requests: handshake, polling GET/POST, websocket upgrades, CORS preflight. */
@ChannelHandler.Sharable
final class EngineIoHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(EngineIoHttpHandler.class);

    private final EngineIoServer server;
    private final String path;
    private final String pathNoSlash;
    private final WebSocketDecoderConfig wsConfig;
    private final boolean anyOrigin;

    EngineIoHttpHandler(EngineIoServer server) {
        this.server = server;
        this.path = server.options.path();
        this.pathNoSlash = path.substring(0, path.length() - 1);
        this.wsConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(server.options.maxPayload())
                .allowExtensions(false)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(true)
                .build();
        this.anyOrigin = server.options.corsOrigins().contains("*");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        if (!p.equals(path) && !p.equals(pathNoSlash)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            handle(ctx, req, new QueryStringDecoder(uri));
        } catch (RuntimeException e) {
            log.warn("engine.io request failed: {}", uri, e);
            ctx.close();
        } finally {
            req.release();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs) {
        Channel ch = ctx.channel();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin)) {
            error(ch, keepAlive, null, HttpResponseStatus.FORBIDDEN, 4, "Forbidden");
            return;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            preflight(ch, keepAlive, origin, req.headers());
            return;
        }
        Map<String, List<String>> params = qs.parameters();
        String eio = first(params, "EIO");
        String transport = first(params, "transport");
        String sid = first(params, "sid");
        if (!"websocket".equals(transport) && !("polling".equals(transport) && server.options.allowPolling())) {
            error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 0, "Transport unknown");
            return;
        }
        if (!"4".equals(eio)) {
            error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 5, "Unsupported protocol version");
            return;
        }
        if (server.isClosed()) {
            error(ch, keepAlive, origin, HttpResponseStatus.SERVICE_UNAVAILABLE, 3, "Server closing");
            return;
        }
        if ("websocket".equals(transport)) {
            String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
            if (!req.method().equals(HttpMethod.GET) || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
                error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 3, "Bad request");
                return;
            }
            if (sid == null) openWebSocketSession(ctx, req, qs);
            else upgradeSession(ctx, req, sid, origin);
            return;
        }
        // polling
        if (sid == null) {
            if (!req.method().equals(HttpMethod.GET)) {
                error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 2, "Bad handshake method");
                return;
            }
            openPollingSession(ch, req, qs, keepAlive, origin);
            return;
        }
        EngineSocket s = server.sessions.get(sid);
        if (s == null) {
            error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 1, "Session ID unknown");
            return;
        }
        if (req.method().equals(HttpMethod.GET)) {
            s.eventLoop().execute(() -> s.onPoll(ch, keepAlive, origin));
        } else if (req.method().equals(HttpMethod.POST)) {
            ByteBuf body = req.content().retain();
            try {
                s.eventLoop().execute(() -> s.onPost(ch, body, keepAlive, origin));
            } catch (RuntimeException e) {
                body.release();
                throw e;
            }
        } else {
            error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 2, "Bad handshake method");
        }
    }

    // ---------------- session opening ----------------

    private EngineSocket newSession(Channel ch, FullHttpRequest req, QueryStringDecoder qs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : req.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>(1)).add(h.getValue());
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        Map<String, List<String>> query = new LinkedHashMap<>();
        qs.parameters().forEach((k, v) -> query.put(k, List.copyOf(v)));
        EngineRequest request = new EngineRequest(Collections.unmodifiableMap(headers), Collections.unmodifiableMap(query),
                ch.remoteAddress() instanceof InetSocketAddress a ? a : null, Instant.now());
        String sid = server.newSessionId();
        EngineSocket s = new EngineSocket(server, sid, ch.eventLoop(), request);
        server.sessions.put(sid, s);
        server.stats.open.increment();
        server.stats.total.increment();
        return s;
    }

    private String openPacket(String sid, boolean upgrades) {
        var o = server.options;
        return "0{\"sid\":\"" + sid + "\",\"upgrades\":" + (upgrades ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + o.pingInterval().toMillis() + ",\"pingTimeout\":" + o.pingTimeout().toMillis()
                + ",\"maxPayload\":" + o.maxPayload() + "}";
    }

    private void openPollingSession(Channel ch, FullHttpRequest req, QueryStringDecoder qs, boolean keepAlive, String origin) {
        EngineSocket s = newSession(ch, req, qs);
        // we are on ch's event loop == the session's loop
        respond(ch, keepAlive, origin, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(openPacket(s.id(), server.options.allowUpgrades()), StandardCharsets.UTF_8),
                "text/plain; charset=UTF-8");
        s.startHeartbeat();
        notifyConnection(s);
    }

    private void openWebSocketSession(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs) {
        Channel ch = ctx.channel();
        WebSocketServerHandshaker hs = handshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch);
            return;
        }
        EngineSocket s = newSession(ch, req, qs);
        s.attachWebSocket(ch);
        installWebSocket(ctx, s);
        ChannelFuture f;
        try {
            f = hs.handshake(ch, req);
        } catch (RuntimeException e) {
            log.debug("websocket handshake failed", e);
            s.fail("transport error");
            ch.close();
            return;
        }
        f.addListener(done -> {
            if (!done.isSuccess()) {
                s.close("transport error");
                ch.close();
                return;
            }
            s.sendOpen(openPacket(s.id(), false));
            s.startHeartbeat();
            notifyConnection(s);
        });
    }

    private void upgradeSession(ChannelHandlerContext ctx, FullHttpRequest req, String sid, String origin) {
        Channel ch = ctx.channel();
        EngineSocket s = server.sessions.get(sid);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (s == null) {
            error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 1, "Session ID unknown");
            return;
        }
        WebSocketServerHandshaker hs = handshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch);
            return;
        }
        FullHttpRequest copy = req.retainedDuplicate();
        s.eventLoop().execute(() -> {
            try {
                if (!s.canUpgrade()) {
                    error(ch, keepAlive, origin, HttpResponseStatus.BAD_REQUEST, 3, "Bad request");
                    return;
                }
                s.startProbe(ch);
                installWebSocket(ctx, s);
                hs.handshake(ch, copy).addListener(done -> {
                    if (!done.isSuccess()) ch.close();
                });
            } catch (RuntimeException e) {
                log.debug("websocket upgrade failed", e);
                ch.close();
            } finally {
                copy.release();
            }
        });
    }

    private WebSocketServerHandshaker handshaker(FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
        return new WebSocketServerHandshakerFactory("ws://" + host + path, null, wsConfig).newHandshaker(req);
    }

    private void installWebSocket(ChannelHandlerContext ctx, EngineSocket s) {
        ChannelPipeline p = ctx.pipeline();
        // Many packets are written per read (acks, broadcasts): flush once per read batch / loop turn, not per packet.
        if (p.get("eio-flush") == null) p.addFirst("eio-flush", new FlushConsolidationHandler(256, true));
        p.addAfter(ctx.name(), "eio-ws-aggregator", new WebSocketFrameAggregator(server.options.maxPayload()));
        p.addAfter("eio-ws-aggregator", "eio-ws", new WebSocketTransportHandler(server, s));
    }

    private void notifyConnection(EngineSocket s) {
        try {
            server.connectionHandler.onConnection(s);
        } catch (RuntimeException e) {
            log.warn("engine.io connection handler failed", e);
            s.close("transport error");
        }
    }

    // ---------------- HTTP helpers ----------------

    boolean originAllowed(String origin) {
        return anyOrigin || server.options.corsOrigins().contains(origin);
    }

    private void cors(HttpHeaders h, String origin) {
        // "*" answers "*" without credentials, as Node's engine.io (the cors package) does: any page may poll, but
        // a browser then sends no cookies. A listed origin is echoed with credentials allowed.
        if (anyOrigin) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else if (origin != null) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            h.set(HttpHeaderNames.VARY, "Origin");
        }
    }

    private void preflight(Channel ch, boolean keepAlive, String origin, HttpHeaders reqHeaders) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        cors(res.headers(), origin);
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET,HEAD,PUT,PATCH,POST,DELETE");
        String asked = reqHeaders.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (asked != null) res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        write(ch, res, keepAlive);
    }

    void respond(Channel ch, boolean keepAlive, String origin, HttpResponseStatus status, ByteBuf body, String contentType) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        HttpHeaders h = res.headers();
        if (contentType != null) h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        cors(h, origin);
        write(ch, res, keepAlive);
    }

    void error(Channel ch, boolean keepAlive, String origin, HttpResponseStatus status, int code, String message) {
        respond(ch, keepAlive, origin, status,
                Unpooled.copiedBuffer("{\"code\":" + code + ",\"message\":\"" + message + "\"}", StandardCharsets.UTF_8),
                "application/json");
    }

    private static void write(Channel ch, FullHttpResponse res, boolean keepAlive) {
        HttpUtil.setContentLength(res, res.content().readableBytes());
        HttpUtil.setKeepAlive(res, keepAlive);
        ChannelFuture f = ch.writeAndFlush(res);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
