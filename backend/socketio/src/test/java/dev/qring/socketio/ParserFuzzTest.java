package dev.qring.socketio;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qring.engineio.EnginePacket;
import dev.qring.engineio.ProtocolException;
import dev.qring.socketio.internal.Packet;
import dev.qring.socketio.internal.PacketDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz targets for the packet parsers. Property: a decoder returns a packet or throws {@link ProtocolException};
 * never any other exception, never hangs (Jazzer reports timeouts). In the normal suite these run in regression
 * mode over the seeds in src/test/resources/dev/qring/socketio/ParserFuzzTestInputs; see FUZZING.md for long runs.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void engineIoPayload(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            List<EnginePacket> packets = EnginePacket.decodePayload(buf);
            if (packets.isEmpty()) throw new AssertionError("a decoded payload has at least one packet");
        } catch (ProtocolException expected) {
            // rejected input is fine
        } finally {
            buf.release();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void socketIoPacket(FuzzedDataProvider in) {
        Packet p;
        try {
            if (in.consumeBoolean()) {
                p = PacketDecoder.decode(in.consumeString(4096));      // polling path (String)
            } else {
                byte[] raw = in.consumeBytes(4096);                    // websocket path (bytes, at an offset)
                int off = raw.length == 0 ? 0 : in.consumeInt(0, raw.length);
                p = PacketDecoder.decode(raw, off, raw.length - off);
            }
        } catch (ProtocolException expected) {
            return;
        }
        if (p.type() < 0 || p.type() > 6) throw new AssertionError("bad type " + p.type());
        if (p.attachments() > 0) {
            int n = in.consumeInt(0, p.attachments() + 1); // sometimes the wrong count
            List<byte[]> buffers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) buffers.add(in.consumeBytes(8));
            try {
                Packet full = PacketDecoder.reconstruct(p, buffers);
                if (full.attachments() != 0) throw new AssertionError("attachments left after reconstruction");
            } catch (ProtocolException expected) {
                // wrong count or bad placeholder
            }
        }
    }
}
