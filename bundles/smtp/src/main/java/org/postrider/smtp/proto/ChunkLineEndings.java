package org.postrider.smtp.proto;

/**
 * The CRLF-only rule for BDAT (RFC 3030) chunks, free of I/O: chunks are counted in octets,
 * not framed by lines, so a bare CR or LF inside one would otherwise reach the queue and,
 * relayed by DATA, end a message early at a next hop that takes it for a line end (SMTP
 * smuggling). A CR may end one chunk and its LF start the next.
 */
public final class ChunkLineEndings {
    private boolean pendingCr;
    private boolean bare;

    /** Looks at the next octets of the message. */
    public void scan(byte[] b, int off, int len) {
        for (int i = off; i < off + len && !bare; i++) {
            if (pendingCr) {
                pendingCr = false;
                if (b[i] != '\n') {
                    bare = true;
                }
            } else if (b[i] == '\r') {
                pendingCr = true;
            } else if (b[i] == '\n') {
                bare = true;
            }
        }
    }

    /** Whether a bare CR or LF has been seen so far. */
    public boolean bare() {
        return bare;
    }

    /** At the end of the message: also a CR that no LF followed. */
    public boolean bareAtEnd() {
        return bare || pendingCr;
    }
}
