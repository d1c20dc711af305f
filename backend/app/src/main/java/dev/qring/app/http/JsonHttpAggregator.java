package dev.qring.app.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@link HttpObjectAggregator} with the API's answer to a request body above the server-wide limit: a JSON
 * 413 {@code {"error":{"code":"invalid","message":...}}} with {@code Connection: close} instead of Netty's bare 413.
 *
 * <p>After the answer the connection is closed. A client may still be sending the rest of its body, and closing a
 * socket with unread bytes makes the kernel reset the connection, which can destroy the 413 before the client has
 * read it. So the server half-closes (FIN after the answer), drops whatever still arrives, and closes for good
 * when the client does or after {@link #DRAIN_MILLIS}. A request announcing {@code Expect: 100-continue} with a
 * too large {@code Content-Length} gets the same JSON 413 instead of {@code 100 Continue}, then the close.
 *
 * <p>{@code NettyHttpServer} (engineio) builds the pipeline with a plain aggregator; {@link HttpRouter} swaps it
 * for this one (same limit) when it is added to a pipeline ({@link #install}).
 */
public final class JsonHttpAggregator extends HttpObjectAggregator {
    /** How long an answered oversized request may keep sending before the connection is closed anyway. */
    static final long DRAIN_MILLIS = 2_000;

    public JsonHttpAggregator(int maxContentLength) {
        super(maxContentLength, true);
    }

    /** Replaces the pipeline's plain {@link HttpObjectAggregator}, if there is one, by a JSON one with its limit. */
    static void install(ChannelPipeline pipeline) {
        HttpObjectAggregator current = pipeline.get(HttpObjectAggregator.class);
        if (current == null || current instanceof JsonHttpAggregator) return;
        ChannelHandlerContext c = pipeline.context(current);
        if (c == null) return;
        pipeline.replace(current, c.name(), new JsonHttpAggregator(current.maxContentLength()));
    }

    private FullHttpResponse tooLarge() {
        byte[] body = Json.write(Map.of("error", Map.of("code", "invalid",
                "message", "body too large (limit " + maxContentLength() + " bytes)")));
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set("x-content-type-options", "nosniff");
        HttpUtil.setContentLength(res, body.length);
        HttpUtil.setKeepAlive(res, false);
        return res;
    }

    /** {@code Expect: 100-continue} with a too large body: the JSON 413 (then closed: closeOnExpectationFailed). */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof HttpResponse r && r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            ReferenceCountUtil.release(answer);
            return tooLarge();
        }
        return answer;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        ctx.writeAndFlush(tooLarge()).addListener((ChannelFutureListener) f -> {
            Channel ch = f.channel();
            if (!f.isSuccess() || !(ch instanceof DuplexChannel duplex)) {
                ch.close();
                return;
            }
            duplex.shutdownOutput();
            ch.eventLoop().schedule(() -> { ch.close(); }, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        });
    }
}
