package org.postrider.gateway.pickup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Gives the queue the CRLF line ends it keeps messages in, whatever a foreign system wrote:
 * CRLF stays, a bare LF or a bare CR becomes CRLF, and the text ends with a line end. A
 * file is not a protocol stream, so there is no smuggling to guard against here: every line
 * end is normalised alike.
 */
final class CrlfOutputStream extends FilterOutputStream {
    private boolean pendingCr;
    private boolean atLineStart = true;

    CrlfOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int run = off; // start of bytes to copy as they are
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n') {
                out.write(b, run, i - run);
                if (c == '\n') {
                    out.write('\r');
                    out.write('\n');
                    pendingCr = false;
                } else {
                    if (pendingCr) {
                        out.write('\r');
                        out.write('\n');
                    }
                    pendingCr = true;
                }
                atLineStart = true;
                run = i + 1;
            } else {
                if (pendingCr) {
                    out.write(b, run, i - run);
                    out.write('\r');
                    out.write('\n');
                    pendingCr = false;
                    run = i;
                }
                atLineStart = false;
            }
        }
        out.write(b, run, off + len - run);
    }

    /** Ends the text with a line end if it has none; the stream stays open. */
    void finish() throws IOException {
        if (pendingCr || !atLineStart) {
            out.write('\r');
            out.write('\n');
            pendingCr = false;
            atLineStart = true;
        }
        out.flush();
    }
}
