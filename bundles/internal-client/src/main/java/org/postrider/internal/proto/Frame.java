package org.postrider.internal.proto;

import java.io.IOException;
import java.io.OutputStream;

/** One frame: {@code u8 type | u32 length | payload}. */
public record Frame(int type, byte[] payload) {
    /** Octets of the frame header. */
    public static final int HEADER = 5;
    /** The largest frame either side accepts before the HELLOs set another. */
    public static final int HELLO_MAX = 4096;
    /** No side may announce more than this as its max frame. */
    public static final int MAX_FRAME_LIMIT = 16 * 1024 * 1024;

    /**
     * Checks a frame header and returns the payload length: an unknown type or a length
     * above {@code maxFrame} is refused before anything is allocated for it.
     */
    public static int payloadLength(byte[] header, int off, int maxFrame) throws ProtocolException {
        int type = header[off] & 0xff;
        if (!FrameType.known(type)) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME, "unknown frame type " + FrameType.name(type));
        }
        long length = ((header[off + 1] & 0xffL) << 24) | ((header[off + 2] & 0xff) << 16)
                | ((header[off + 3] & 0xff) << 8) | (header[off + 4] & 0xff);
        if (length > maxFrame) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                    FrameType.name(type) + " frame of " + length + " octets, more than " + maxFrame);
        }
        return (int) length;
    }

    /** Writes a frame header; the caller writes the payload after it. */
    public static void writeHeader(OutputStream out, int type, int length) throws IOException {
        out.write(type);
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
    }

    public void writeTo(OutputStream out) throws IOException {
        writeHeader(out, type, payload.length);
        out.write(payload);
    }

    @Override
    public String toString() {
        return FrameType.name(type) + "(" + payload.length + ")";
    }
}
