package org.postrider.gateway.lmtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Message text on its way to an LMTP/SMTP server: a line that starts with "." gets a second
 * one (RFC 5321 4.5.2), and {@link #finish} ends the text with CRLF "." CRLF, adding a line
 * end the text lacked.
 */
final class DotStuffer extends FilterOutputStream {
    private boolean lineStart = true;
    private int last = -1;

    DotStuffer(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (lineStart && b == '.') {
            out.write('.');
        }
        out.write(b);
        lineStart = b == '\n';
        last = b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int from = off;
        for (int i = off; i < off + len; i++) {
            if (lineStart && b[i] == '.') {
                out.write(b, from, i - from);
                out.write('.');
                from = i;
            }
            lineStart = b[i] == '\n';
        }
        out.write(b, from, off + len - from);
        if (len > 0) {
            last = b[off + len - 1];
        }
    }

    void finish() throws IOException {
        if (last != '\n' && last != -1) {
            out.write('\r');
            out.write('\n');
        }
        out.write(".\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        // the connection owns the stream
    }
}
