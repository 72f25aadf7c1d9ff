package org.postrider.internal.proto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one payload (section 2 of the spec), each bounded by what is left of
 * it: a length that runs past the end, ill-formed UTF-8, a NUL in a string or octets left
 * over are a {@link ProtocolException} (PROTOCOL), never an exception of another kind.
 */
public final class PayloadReader {
    private final byte[] b;
    private int pos;

    public PayloadReader(byte[] payload) {
        this.b = payload;
    }

    private void need(int n, String what) throws ProtocolException {
        if (n < 0 || b.length - pos < n) {
            throw new ProtocolException(ErrorCode.PROTOCOL, what + " runs past the end of the frame");
        }
    }

    public int u8(String what) throws ProtocolException {
        need(1, what);
        return b[pos++] & 0xff;
    }

    public int u16(String what) throws ProtocolException {
        need(2, what);
        int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public long u32(String what) throws ProtocolException {
        need(4, what);
        long v = ((b[pos] & 0xffL) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8)
                | (b[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long i64(String what) throws ProtocolException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    public byte[] fixed(int n, String what) throws ProtocolException {
        need(n, what);
        byte[] v = java.util.Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
        return v;
    }

    /** A {@code str} of at most {@code max} octets. */
    public String str(int max, String what) throws ProtocolException {
        int n = u16(what);
        if (n > max) {
            throw new ProtocolException(ErrorCode.PROTOCOL, what + " longer than " + max + " octets");
        }
        need(n, what);
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, pos, n)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.PROTOCOL, what + " is not UTF-8");
        }
        if (s.indexOf('\0') >= 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL, what + " holds NUL");
        }
        pos += n;
        return s;
    }

    /** An {@code opt}: absent or a {@code str}. */
    public String opt(int max, String what) throws ProtocolException {
        int present = u8(what);
        if (present > 1) {
            throw new ProtocolException(ErrorCode.PROTOCOL, what + ": bad presence octet");
        }
        return present == 0 ? null : str(max, what);
    }

    /** A {@code bytes} field of at most {@code max} octets. */
    public byte[] bytes(int max, String what) throws ProtocolException {
        long n = u32(what);
        if (n > max) {
            throw new ProtocolException(ErrorCode.PROTOCOL, what + " longer than " + max + " octets");
        }
        return fixed((int) n, what);
    }

    /** The payload must be used up. */
    public void end(String frame) throws ProtocolException {
        if (pos != b.length) {
            throw new ProtocolException(ErrorCode.PROTOCOL, (b.length - pos) + " octets left over in " + frame);
        }
    }
}
