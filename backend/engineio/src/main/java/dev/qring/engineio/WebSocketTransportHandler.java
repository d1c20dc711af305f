package dev.qring.engineio;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/** Feeds the frames of one websocket (a direct session or an upgrade probe) to its Engine.IO session. */
final class WebSocketTransportHandler extends ChannelInboundHandlerAdapter {
    private final EngineIoServer server;
    private final EngineSocket session;
    private boolean failed;

    WebSocketTransportHandler(EngineIoServer server, EngineSocket session) {
        this.server = server;
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case TextWebSocketFrame t -> session.onWsText(ctx.channel(), ByteBufUtil.getBytes(t.content()));
                case BinaryWebSocketFrame b -> session.onWsBinary(ctx.channel(), ByteBufUtil.getBytes(b.content()));
                case PingWebSocketFrame p -> ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
                case CloseWebSocketFrame c -> ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode() < 0 ? 1000 : c.statusCode(), ""))
                        .addListener(ChannelFutureListener.CLOSE);
                case PongWebSocketFrame ignored -> { }
                default -> ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onWsClosed(ctx.channel(), failed);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        boolean protocol = cause instanceof CorruptedFrameException || cause instanceof TooLongFrameException;
        if (!failed && protocol) server.stats.protocolErrors.increment();
        failed = true;
        session.onWsClosed(ctx.channel(), true);
        if (cause instanceof CorruptedFrameException) return; // the frame decoder already sent 1002/1009 and closes
        if (protocol && ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1009, "message too big")).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
