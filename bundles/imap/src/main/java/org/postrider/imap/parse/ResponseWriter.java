package org.postrider.imap.parse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the octets of a server response, choosing for each string its form (RFC 9051 4.3):
 * NIL, an atom, a quoted string, or a literal when quoting cannot carry it (CR, LF, NUL,
 * long values, or 8-bit text when the client has not enabled UTF-8). Free of I/O; its
 * octets gather in a plain array (a FETCH of many messages writes many small items, each
 * octet once), which {@link #reset} keeps for the next response.
 */
public final class ResponseWriter {
    /** Longer strings go as literals: a quoted string has to be scanned whole by the client. */
    private static final int MAX_QUOTED = 1024;

    private byte[] buf = new byte[256];
    private int size;
    private final boolean utf8;

    /** @param utf8 the client enabled UTF8=ACCEPT or IMAP4rev2: quoted strings may hold UTF-8 */
    public ResponseWriter(boolean utf8) {
        this.utf8 = utf8;
    }

    /** ASCII octets as they are (response names, numbers, parentheses). */
    public ResponseWriter raw(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** ASCII octets given as octets: made once by the caller, copied in one step (no call per character). */
    public ResponseWriter raw(byte[] ascii) {
        return bytes(ascii);
    }

    public ResponseWriter sp() {
        return put(' ');
    }

    public ResponseWriter open() {
        return put('(');
    }

    public ResponseWriter close() {
        return put(')');
    }

    /** One ASCII octet. */
    public ResponseWriter put(char c) {
        ensure(1);
        buf[size++] = (byte) c;
        return this;
    }

    public ResponseWriter number(long n) {
        if (n < 0) {
            return raw(Long.toString(n));
        }
        int digits = 1;
        for (long v = n; v >= 10; v /= 10) {
            digits++;
        }
        ensure(digits);
        size += digits;
        long v = n;
        for (int i = size - 1; i >= size - digits; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return this;
    }

    public ResponseWriter nil() {
        return raw("NIL");
    }

    /** nstring: NIL for null, else {@link #string}. */
    public ResponseWriter nstring(String s) {
        return s == null ? nil() : string(s);
    }

    /**
     * string: quoted when it can be, else a literal. A NUL can travel in neither (RFC 9051
     * 4.3: CHAR8 excludes it), so it goes as U+FFFD, as does a lone surrogate.
     */
    public ResponseWriter string(String s) {
        if (s.indexOf('\0') >= 0) {
            s = s.replace('\0', '\uFFFD');
        }
        if (quotable(s, utf8)) {
            put('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    put('\\');
                }
                if (c < 0x80) {
                    put(c);
                } else {
                    bytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
            }
            return put('"');
        }
        return literal(s.getBytes(StandardCharsets.UTF_8));
    }

    /** astring: an atom when it is one (and not NIL), else a string. */
    public ResponseWriter astring(String s) {
        return atomSafe(s) ? raw(s) : string(s);
    }

    /** A literal: {n} CRLF and the octets. */
    public ResponseWriter literal(byte[] data) {
        raw("{" + data.length + "}\r\n");
        return bytes(data);
    }

    /** A literal8 (RFC 3516, RFC 9051): ~{n} CRLF and the octets, NUL allowed; for BINARY only. */
    public ResponseWriter literal8(byte[] data) {
        raw("~{" + data.length + "}\r\n");
        return bytes(data);
    }

    /**
     * The announcement of a literal whose octets the caller sends itself, streamed: {n} CRLF,
     * or ~{n} CRLF for a literal8 (RFC 3516: BINARY content holding NUL).
     */
    public ResponseWriter literalPrefix(long size, boolean literal8) {
        return raw((literal8 ? "~{" : "{") + size + "}\r\n");
    }

    /** Forgets what was written past {@code size} octets (a response begun that is not to be sent). */
    public ResponseWriter truncate(int size) {
        if (size < 0 || size > this.size) {
            throw new IllegalArgumentException("cannot truncate " + this.size + " octets to " + size);
        }
        this.size = size;
        return this;
    }

    /** Forgets what was written (after the caller sent it). */
    public ResponseWriter reset() {
        size = 0;
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public int size() {
        return size;
    }

    /** The octets written so far are {@code buffer()[0, size())}: for sending without a copy. */
    public byte[] buffer() {
        return buf;
    }

    private ResponseWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + n, 2 * buf.length));
        }
    }

    /** The astring form of an ASCII name (header field names in section specs). */
    public static String astringText(String s) {
        if (atomSafe(s)) {
            return s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean quotable(String s, boolean utf8) {
        if (s.length() > MAX_QUOTED) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x80 && !utf8 || Character.isSurrogate(c)) {
                return false; // surrogates: a pair would be split by the per-char encoding above
            }
        }
        return true;
    }

    private static boolean atomSafe(String s) {
        if (s.isEmpty() || s.length() > MAX_QUOTED || s.equalsIgnoreCase("NIL")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\[]".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
