package org.postrider.internal.proto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes payload fields, refusing values the reader would refuse. */
public final class PayloadWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /** Octets written so far. */
    public int size() {
        return out.size();
    }

    public PayloadWriter u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        out.write(v);
        return this;
    }

    public PayloadWriter u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public PayloadWriter u32(long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        for (int s = 24; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
        return this;
    }

    public PayloadWriter i64(long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
        return this;
    }

    public PayloadWriter fixed(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public PayloadWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in a string field");
        }
        u16(b.length);
        out.writeBytes(b);
        return this;
    }

    public PayloadWriter opt(String s) {
        if (s == null) {
            return u8(0);
        }
        u8(1);
        return str(s);
    }

    public PayloadWriter bytes(byte[] b) {
        u32(b.length);
        out.writeBytes(b);
        return this;
    }

    /** What was written, as a copy. */
    public byte[] bytes() {
        return out.toByteArray();
    }

    public Frame frame(int type) {
        return new Frame(type, out.toByteArray());
    }
}
