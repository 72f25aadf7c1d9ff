package org.postrider.mapi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Quoted-printable (RFC 2045 6.7) of text: CRLF, a lone CR and a lone LF are each a line
 * break, written CRLF (the canonical form of text); lines at most 76 characters with soft
 * breaks; a space or tab before a line break encoded. Streams: one octet of look-ahead.
 * Closing it flushes but does not close the stream below.
 */
final class QpTextOutputStream extends OutputStream {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final OutputStream out;
    private int col;
    private boolean cr;
    private int pendingSpace = -1;

    QpTextOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        b &= 0xFF;
        if (cr) {
            cr = false;
            lineBreak();
            if (b == '\n') {
                return;
            }
        }
        if (b == '\r') {
            cr = true;
        } else if (b == '\n') {
            lineBreak();
        } else {
            if (pendingSpace >= 0) { // not at a line's end: a space stays a space
                emit(pendingSpace, false);
                pendingSpace = -1;
            }
            if (b == ' ' || b == '\t') {
                pendingSpace = b;
            } else {
                emit(b, b < 33 || b > 126 || b == '=');
            }
        }
    }

    private void lineBreak() throws IOException {
        if (pendingSpace >= 0) {
            emit(pendingSpace, true);
            pendingSpace = -1;
        }
        out.write('\r');
        out.write('\n');
        col = 0;
    }

    private void emit(int b, boolean encode) throws IOException {
        int len = encode ? 3 : 1;
        if (col + len > 75) {
            out.write('=');
            out.write('\r');
            out.write('\n');
            col = 0;
        }
        if (encode) {
            out.write('=');
            out.write(HEX[b >> 4]);
            out.write(HEX[b & 15]);
        } else {
            out.write(b);
        }
        col += len;
    }

    @Override
    public void close() throws IOException {
        if (cr) {
            cr = false;
            lineBreak();
        }
        if (pendingSpace >= 0) {
            emit(pendingSpace, true);
            pendingSpace = -1;
        }
        out.flush();
    }
}
