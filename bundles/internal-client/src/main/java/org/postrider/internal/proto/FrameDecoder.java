package org.postrider.internal.proto;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream into frames, incrementally: bytes are fed as they arrive, in any
 * chunks, and whole frames come out. The header is checked ({@link Frame#payloadLength})
 * before the payload's buffer is made, so at most one frame of {@code maxFrame} octets is
 * held. After a {@link ProtocolException} the decoder is spent: the connection ends.
 */
public final class FrameDecoder {
    private volatile int maxFrame;
    private final byte[] header = new byte[Frame.HEADER];
    private int headerFill;
    private int type;
    private byte[] payload;
    private int payloadFill;

    public FrameDecoder(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    /** After the HELLOs: the negotiated limit. */
    public void maxFrame(int max) {
        this.maxFrame = max;
    }

    /** Feeds {@code len} octets; returns the frames they complete (possibly none). */
    public List<Frame> feed(byte[] b, int off, int len) throws ProtocolException {
        List<Frame> out = new ArrayList<>(2);
        int end = off + len;
        while (off < end) {
            if (payload == null) {
                int take = Math.min(Frame.HEADER - headerFill, end - off);
                System.arraycopy(b, off, header, headerFill, take);
                headerFill += take;
                off += take;
                if (headerFill < Frame.HEADER) {
                    break;
                }
                type = header[0] & 0xff;
                payload = new byte[Frame.payloadLength(header, 0, maxFrame)];
                payloadFill = 0;
            }
            int take = Math.min(payload.length - payloadFill, end - off);
            System.arraycopy(b, off, payload, payloadFill, take);
            payloadFill += take;
            off += take;
            if (payloadFill == payload.length) {
                out.add(new Frame(type, payload));
                payload = null;
                headerFill = 0;
            }
        }
        return out;
    }

    /** Whether a frame is partly read (the stream must not end here). */
    public boolean inFrame() {
        return headerFill > 0;
    }
}
