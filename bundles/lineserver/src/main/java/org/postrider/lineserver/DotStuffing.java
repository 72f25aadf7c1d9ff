package org.postrider.lineserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Sends a message as a multi-line response or DATA body (RFC 1939 3, RFC 5321 4.5.2): a
 * line starting with "." gets another, bare LFs (files other Maildir tools wrote) become
 * CRLF, the last line is ended, and ".\r\n" closes. Streams; never holds the message.
 */
public final class DotStuffing {
    private DotStuffing() {
    }

    /**
     * @param bodyLines after the header and its empty line, how many body lines to send
     *                  (POP3 TOP); negative for all
     */
    public static void write(InputStream in, OutputStream out, int bodyLines) throws IOException {
        byte[] buf = new byte[16 * 1024];
        boolean lineStart = true;
        boolean inBody = false;
        int prev = '\n';
        int emptyLine = 0; // detects the CRLF CRLF that ends the header
        int remaining = bodyLines;
        int n;
        outer:
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                int b = buf[i] & 0xff;
                if (inBody && remaining == 0 && lineStart) {
                    break outer;
                }
                if (lineStart && b == '.') {
                    out.write('.');
                }
                if (b == '\n') {
                    if (prev != '\r') {
                        out.write('\r');
                    }
                    out.write('\n');
                    lineStart = true;
                    if (!inBody) {
                        emptyLine++;
                        if (emptyLine == 2) {
                            inBody = true;
                        }
                    } else if (remaining > 0) {
                        remaining--;
                    }
                } else {
                    out.write(b);
                    if (b != '\r') {
                        emptyLine = 0;
                    }
                    lineStart = false;
                }
                prev = b;
            }
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
