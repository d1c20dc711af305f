package dev.qring.app.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's HTTP routes as one sharable Netty handler, placed after the Socket.IO handler in
 * {@code NettyHttpServer}'s pipeline.
 *
 * <p>Every handler runs on a virtual thread (handlers may do JDBC or password hashing); the event loop only
 * matches the route and copies the body. While a request is being handled the connection stops reading, so
 * pipelined requests are answered in order. Bodies above a route's limit get 413 {@code invalid} before any
 * handler runs. Requests that match no route fall through to {@link #fallback} (static files), then 404.
 * Unexpected failures are 500 {@code unavailable} with a fixed message.
 *
 * <p>Bodies above the server-wide aggregation limit ({@code NettyHttpServer}'s {@code HttpObjectAggregator}) never
 * reach the router: when added to a pipeline, the router swaps that aggregator for {@link JsonHttpAggregator}
 * (same limit), which answers them with a JSON 413 {@code invalid} and closes the connection.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    /** A route handler: returns the response or throws {@link ApiException} (or anything the error mapper knows). */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** Called once per answered request, for metrics. {@code route} is the template, never the raw path. */
    @FunctionalInterface
    public interface Observer {
        void observe(String method, String route, int status, long nanos);
    }

    /** Static content: returns null when it has nothing for this path. */
    @FunctionalInterface
    public interface Fallback {
        Response serve(String method, String path, Map<String, String> headers);
    }

    private record Route(String method, String template, String[] segments, Handler handler, int maxBody) { }

    private final List<Route> routes = new ArrayList<>();
    private final ExecutorService executor;
    private final int defaultMaxBody;
    private volatile Function<Throwable, ApiException> errorMapper = t -> null;
    private volatile Observer observer = (m, r, s, n) -> { };
    private volatile Fallback fallback = (m, p, h) -> null;
    private final Map<String, String> commonHeaders = new LinkedHashMap<>();

    public HttpRouter(ExecutorService executor, int defaultMaxBody) {
        this.executor = executor;
        this.defaultMaxBody = defaultMaxBody;
        commonHeaders.put("x-content-type-options", "nosniff");
        commonHeaders.put("referrer-policy", "no-referrer");
        commonHeaders.put("x-frame-options", "DENY");
    }

    public HttpRouter get(String template, Handler h) { return add("GET", template, h, defaultMaxBody); }
    public HttpRouter post(String template, Handler h) { return add("POST", template, h, defaultMaxBody); }
    public HttpRouter patch(String template, Handler h) { return add("PATCH", template, h, defaultMaxBody); }
    public HttpRouter delete(String template, Handler h) { return add("DELETE", template, h, defaultMaxBody); }

    /** Registers a route; {@code {name}} segments match one path segment. Register routes before the server starts. */
    public synchronized HttpRouter add(String method, String template, Handler h, int maxBody) {
        routes.add(new Route(method, template, split(template), h, maxBody));
        return this;
    }

    /** Maps exceptions thrown by handlers (e.g. domain exceptions) to API errors; null means "unexpected" (500). */
    public HttpRouter errorMapper(Function<Throwable, ApiException> mapper) { this.errorMapper = mapper; return this; }

    public HttpRouter observer(Observer o) { this.observer = o; return this; }

    public HttpRouter fallback(Fallback f) { this.fallback = f; return this; }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        JsonHttpAggregator.install(ctx.pipeline());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long started = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        try {
            if (!req.decoderResult().isSuccess()) {
                write(ctx, Response.error(400, "invalid", "malformed HTTP request"), keepAlive, false, "GET", "unmatched", started);
                return;
            }
            QueryStringDecoder qs = new QueryStringDecoder(req.uri());
            String path = qs.path();
            String method = req.method().name();
            String[] segs = split(path);
            Map<String, String> params = new HashMap<>();
            Route match = null;
            boolean pathMatched = false;
            synchronized (this) {
                for (Route r : routes) {
                    params.clear();
                    if (!matches(r.segments, segs, params)) continue;
                    pathMatched = true;
                    // HEAD is answered like GET without a body (load balancers probe /health/live with HEAD)
                    if (r.method.equals(method) || (method.equals("HEAD") && r.method.equals("GET"))) { match = r; break; }
                }
            }
            if (match == null) {
                Map<String, String> headers = headers(req);
                if (pathMatched) {
                    write(ctx, Response.error(405, "invalid", "method not allowed"), keepAlive, isHead(req), method, "unmatched", started);
                    return;
                }
                if (path.startsWith("/api/")) {
                    write(ctx, Response.error(404, "not_found", "no such endpoint"), keepAlive, false, method, "unmatched", started);
                    return;
                }
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    write(ctx, Response.error(404, "not_found", "no such path"), keepAlive, false, method, "unmatched", started);
                    return;
                }
                ctx.channel().config().setAutoRead(false);
                executor.execute(() -> {
                    Response r;
                    try {
                        r = fallback.serve(method, path, headers);
                    } catch (RuntimeException e) {
                        log.error("static content failed for {}", path, e);
                        r = internalError();
                    }
                    if (r == null) r = Response.error(404, "not_found", "no such path");
                    write(ctx, r, keepAlive, method.equals("HEAD"), method, "static", started);
                });
                return;
            }
            int length = req.content().readableBytes();
            if (length > match.maxBody) {
                write(ctx, Response.error(413, "invalid", "body too large (limit " + match.maxBody + " bytes)"), false, false, method, match.template, started);
                return;
            }
            if (length > 0) {
                String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
                if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                    // Also keeps cross-site HTML forms (which cannot send application/json) away from the API.
                    write(ctx, Response.error(415, "invalid", "Content-Type must be application/json"), keepAlive, false, method, match.template, started);
                    return;
                }
            }
            Request request = new Request(method, path, match.template, Map.copyOf(params), qs.parameters(), headers(req),
                    ByteBufUtil.getBytes(req.content()), (InetSocketAddress) ctx.channel().remoteAddress());
            Route route = match;
            ctx.channel().config().setAutoRead(false);
            boolean head = method.equals("HEAD");
            executor.execute(() -> write(ctx, invoke(route, request), keepAlive, head, method, route.template, started));
        } finally {
            req.release();
        }
    }

    /** A peer that resets the connection is routine; anything else goes on down the pipeline. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.debug("connection error: {}", cause.toString());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private static boolean isHead(FullHttpRequest req) { return req.method().equals(HttpMethod.HEAD); }

    private Response invoke(Route route, Request request) {
        try {
            Response r = route.handler.handle(request);
            return r == null ? Response.noContent() : r;
        } catch (ApiException e) {
            return Response.error(e);
        } catch (Throwable t) {
            ApiException mapped = null;
            try { mapped = errorMapper.apply(t); } catch (RuntimeException ignored) { }
            if (mapped != null) return Response.error(mapped);
            log.error("{} {} failed", request.method(), route.template, t);
            return internalError();
        }
    }

    /**
     * An unexpected failure: 500 with the stable code {@code unavailable} (product.md lists no other code for it) and a
     * fixed message — the exception (logged) never reaches the client.
     */
    static Response internalError() { return Response.error(500, "unavailable", "internal error"); }

    private static Map<String, String> headers(FullHttpRequest req) {
        Map<String, String> h = new HashMap<>();
        for (var e : req.headers()) h.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        return h;
    }

    private static boolean matches(String[] template, String[] path, Map<String, String> params) {
        if (template.length != path.length) return false;
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (path[i].isEmpty()) return false;
                params.put(t.substring(1, t.length() - 1), QueryStringDecoder.decodeComponent(path[i]));
            } else if (!t.equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    private void write(ChannelHandlerContext ctx, Response r, boolean keepAlive, boolean head, String method, String route, long started) {
        var body = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body());
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()), body);
        commonHeaders.forEach((k, v) -> res.headers().set(k, v));
        r.headers().forEach((k, v) -> res.headers().set(k, v));
        HttpUtil.setContentLength(res, r.body().length);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        // resume reading: the next pipelined request is handled only after this answer
        f.addListener(done -> ctx.channel().config().setAutoRead(true));
        try {
            observer.observe(method, route, r.status(), System.nanoTime() - started);
        } catch (RuntimeException e) {
            log.debug("metrics observer failed", e);
        }
    }
}
