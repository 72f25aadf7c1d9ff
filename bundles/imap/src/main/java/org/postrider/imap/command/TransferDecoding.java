package org.postrider.imap.command;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Content-Transfer-Encoding decoders for BINARY (RFC 3516, RFC 9051 6.4.5), as streams the
 * encoded octets are written through: base64 and quoted-printable, leniently (mail is often
 * broken: what is not part of the encoding is skipped or passed through, never refused), in
 * a fixed amount of memory whatever the input. The decoded octets never outnumber the
 * encoded ones.
 */
final class TransferDecoding {
    private TransferDecoding() {
    }

    /**
     * A stream decoding {@code encoding} into {@code sink} (closing it flushes the end of the
     * data, and leaves {@code sink} open); null for an encoding not known here, which BINARY
     * answers with [UNKNOWN-CTE].
     */
    static OutputStream decoder(String encoding, OutputStream sink) {
        return switch (name(encoding)) {
            case "7bit", "8bit", "binary", "" -> new Identity(sink);
            case "base64" -> new Base64(sink);
            case "quoted-printable" -> new QuotedPrintable(sink);
            default -> null;
        };
    }

    /** Whether the encoding leaves the octets as they are (7bit, 8bit, binary, or none given). */
    static boolean identity(String encoding) {
        return switch (name(encoding)) {
            case "7bit", "8bit", "binary", "" -> true;
            default -> false;
        };
    }

    private static String name(String encoding) {
        return encoding == null ? "7bit" : encoding.trim().toLowerCase(Locale.ROOT);
    }

    /** Decoded octets gathered a buffer at a time before they go to the sink. */
    private abstract static class Decoder extends OutputStream {
        private final OutputStream sink;
        private final byte[] buf = new byte[8192];
        private int len;
        private boolean closed;

        Decoder(OutputStream sink) {
            this.sink = sink;
        }

        final void emit(int b) throws IOException {
            if (len == buf.length) {
                sink.write(buf, 0, len);
                len = 0;
            }
            buf[len++] = (byte) b;
        }

        @Override
        public final void write(int b) throws IOException {
            take(b & 0xff);
        }

        @Override
        public final void write(byte[] b, int off, int n) throws IOException {
            for (int i = off; i < off + n; i++) {
                take(b[i] & 0xff);
            }
        }

        abstract void take(int c) throws IOException;

        /** What the end of the data means for what is pending. */
        abstract void end() throws IOException;

        @Override
        public final void flush() throws IOException {
            sink.write(buf, 0, len);
            len = 0;
        }

        @Override
        public final void close() throws IOException {
            if (!closed) {
                closed = true;
                end();
                flush();
            }
        }
    }

    private static final class Identity extends OutputStream {
        private final OutputStream sink;

        Identity(OutputStream sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            sink.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sink.write(b, off, len);
        }
    }

    /** RFC 2045 6.8: characters outside the alphabet are ignored; "=" ends the data. */
    private static final class Base64 extends Decoder {
        private static final int[] VALUE = new int[256];

        static {
            java.util.Arrays.fill(VALUE, -1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (int i = 0; i < alphabet.length(); i++) {
                VALUE[alphabet.charAt(i)] = i;
            }
        }

        private int bits;
        private int count;
        private boolean ended;

        Base64(OutputStream sink) {
            super(sink);
        }

        @Override
        void take(int c) throws IOException {
            if (ended) {
                return;
            }
            if (c == '=') {
                end();
                return;
            }
            int v = VALUE[c];
            if (v < 0) {
                return;
            }
            bits = bits << 6 | v;
            if (++count == 4) {
                emit(bits >> 16);
                emit(bits >> 8);
                emit(bits);
                bits = 0;
                count = 0;
            }
        }

        @Override
        void end() throws IOException {
            if (!ended) {
                ended = true;
                if (count == 2) {
                    emit(bits >> 4);
                } else if (count == 3) {
                    emit(bits >> 10);
                    emit(bits >> 2);
                }
            }
        }
    }

    /**
     * RFC 2045 6.7: "=XX" is an octet (lower-case hex taken too), "=" before the line end a
     * soft break (with transport padding), white space at a line's end dropped; any other
     * "=" passes as it is. Runs of white space are held up to a bound, past which they pass.
     */
    private static final class QuotedPrintable extends Decoder {
        private static final int MAX_SPACE = 1000;

        private enum State { TEXT, EQ, HEX, EQ_SPACE, SOFT_CR }

        private State state = State.TEXT;
        private int hex;
        private final byte[] space = new byte[MAX_SPACE];
        private int spaceLen;

        QuotedPrintable(OutputStream sink) {
            super(sink);
        }

        @Override
        void take(int c) throws IOException {
            switch (state) {
                case TEXT -> text(c);
                case EQ -> {
                    if (digit(c) >= 0) {
                        hex = c;
                        state = State.HEX;
                    } else if (c == '\r') {
                        state = State.SOFT_CR;
                    } else if (c == '\n') {
                        state = State.TEXT;
                    } else if (c == ' ' || c == '\t') {
                        state = State.EQ_SPACE;
                        spaceLen = 0;
                        hold(c);
                    } else {
                        emit('=');
                        state = State.TEXT;
                        text(c);
                    }
                }
                case HEX -> {
                    state = State.TEXT;
                    if (digit(c) >= 0) {
                        emit(digit(hex) << 4 | digit(c));
                    } else {
                        emit('=');
                        emit(hex);
                        text(c);
                    }
                }
                case EQ_SPACE -> {
                    if ((c == ' ' || c == '\t') && spaceLen < MAX_SPACE) {
                        hold(c);
                    } else if (c == '\r') {
                        spaceLen = 0;
                        state = State.SOFT_CR;
                    } else if (c == '\n') {
                        spaceLen = 0;
                        state = State.TEXT;
                    } else {
                        emit('=');
                        state = State.TEXT;
                        text(c); // the held space goes out before it
                    }
                }
                case SOFT_CR -> {
                    state = State.TEXT;
                    if (c != '\n') {
                        text(c); // "=" CR without LF: taken as a soft break all the same
                    }
                }
            }
        }

        private void text(int c) throws IOException {
            if (c == ' ' || c == '\t') {
                hold(c);
                return;
            }
            if (c == '\r' || c == '\n') {
                spaceLen = 0; // trailing white space is not data
            } else {
                release();
            }
            if (c == '=') {
                state = State.EQ;
            } else {
                emit(c);
            }
        }

        private void hold(int c) throws IOException {
            if (spaceLen == MAX_SPACE) {
                release(); // no line of mail is this long: not trailing space worth keeping back
            }
            space[spaceLen++] = (byte) c;
        }

        private void release() throws IOException {
            for (int i = 0; i < spaceLen; i++) {
                emit(space[i]);
            }
            spaceLen = 0;
        }

        private static int digit(int c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            return -1;
        }

        @Override
        void end() throws IOException {
            switch (state) {
                case EQ -> emit('=');
                case HEX -> {
                    emit('=');
                    emit(hex);
                }
                case EQ_SPACE -> {
                    // "=" and padding at the very end: a soft break before nothing
                }
                default -> {
                }
            }
            spaceLen = 0; // trailing white space of the last line
        }
    }
}
