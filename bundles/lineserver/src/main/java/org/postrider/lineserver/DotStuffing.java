package org.postrider.lineserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Sends a message as a multi-line response or DATA body (RFC 1939 3, RFC 5321 4.5.2): a
 * line starting with "." gets another, bare LFs (files other Maildir tools wrote) and bare
 * CRs become CRLF, so that no receiver can see a line end, or a lone dot, where the next
 * line's dot was not stuffed (SMTP smuggling); the last line is ended, and ".\r\n" closes.
 * Streams; never holds the message.
 */
public final class DotStuffing {
    private DotStuffing() {
    }

    /**
     * @param bodyLines after the header and its empty line, how many body lines to send
     *                  (POP3 TOP); negative for all
     */
    public static void write(InputStream in, OutputStream out, int bodyLines) throws IOException {
        Writer w = new Writer(out, bodyLines);
        byte[] buf = new byte[16 * 1024];
        int n;
        outer:
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                if (!w.take(buf[i] & 0xff)) {
                    break outer;
                }
            }
        }
        w.end();
    }

    /** The state between octets: a CR waits for the next octet to know whether it is bare. */
    private static final class Writer {
        private final OutputStream out;
        private boolean lineStart = true;
        private boolean pendingCr;
        private boolean inBody;
        private boolean emptyLine = true; // the current line is empty so far
        private int remaining;

        Writer(OutputStream out, int bodyLines) {
            this.out = out;
            this.remaining = bodyLines;
        }

        /** False when TOP has sent all the lines it wanted. */
        boolean take(int b) throws IOException {
            if (pendingCr) {
                pendingCr = false;
                if (!endLine()) {
                    return false;
                }
                if (b == '\n') {
                    return true; // the CRLF just ended
                }
            } else if (b == '\n') {
                return endLine(); // a bare LF
            }
            if (b == '\r') {
                pendingCr = true;
                return true;
            }
            if (inBody && remaining == 0) {
                return false;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
            emptyLine = false;
            return true;
        }

        /** Ends the current line with CRLF; false when TOP wants no more lines. */
        private boolean endLine() throws IOException {
            if (inBody && remaining == 0) {
                return false;
            }
            out.write('\r');
            out.write('\n');
            if (!inBody) {
                inBody = emptyLine;
            } else if (remaining > 0) {
                remaining--;
            }
            lineStart = true;
            emptyLine = true;
            return true;
        }

        void end() throws IOException {
            if (pendingCr) {
                pendingCr = false;
                endLine();
            }
            if (!lineStart) {
                out.write('\r');
                out.write('\n');
            }
            out.write('.');
            out.write('\r');
            out.write('\n');
        }
    }
}
