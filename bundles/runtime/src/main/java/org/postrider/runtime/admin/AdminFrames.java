package org.postrider.runtime.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The admin channel's framing, shared by server and client: a type byte, a 4-byte length,
 * the payload. Client to server: one COMMAND, then STDIN chunks and STDIN_EOF. Server to
 * client: STDOUT and STDERR chunks, then EXIT with the status as a 4-byte int.
 */
public final class AdminFrames {
    public static final byte COMMAND = 'C';
    public static final byte STDIN = 'I';
    public static final byte STDIN_EOF = 'E';
    public static final byte STDOUT = 'O';
    public static final byte STDERR = 'R';
    public static final byte EXIT = 'X';
    /** Bounds what one frame can make the reader allocate. */
    public static final int MAX_FRAME = 1 << 20;

    private AdminFrames() {
    }

    public record Frame(byte type, byte[] payload) {
    }

    public static void write(DataOutputStream out, byte type, byte[] data, int off, int len) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(len);
            out.write(data, off, len);
            out.flush();
        }
    }

    public static void writeInt(DataOutputStream out, byte type, int value) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(4);
            out.writeInt(value);
            out.flush();
        }
    }

    /** Reads one frame, or returns null at a clean end of stream. */
    public static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) {
            throw new IOException("admin frame too large: " + len);
        }
        byte[] payload = new byte[len];
        try {
            in.readFully(payload);
        } catch (EOFException e) {
            throw new IOException("truncated admin frame", e);
        }
        return new Frame((byte) type, payload);
    }

    /** A stream that sends what is written as frames of one type. */
    public static final class FrameOutputStream extends java.io.OutputStream {
        private final DataOutputStream out;
        private final byte type;

        public FrameOutputStream(DataOutputStream out, byte type) {
            this.out = out;
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, MAX_FRAME);
                AdminFrames.write(out, type, b, off, n);
                off += n;
                len -= n;
            }
        }
    }
}
