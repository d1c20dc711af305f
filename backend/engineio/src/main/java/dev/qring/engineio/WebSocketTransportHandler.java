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
                case TextWebSocketFrame t -> session.onWsText(ctx.channel(), t.text());
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
        if (!failed && (cause instanceof CorruptedFrameException || cause instanceof TooLongFrameException)) {
            server.stats.protocolErrors.increment(); // oversized or malformed frame: the decoder answers 1002/1009
        }
        failed = true;
        session.onWsClosed(ctx.channel(), true);
        ctx.close();
    }
}
