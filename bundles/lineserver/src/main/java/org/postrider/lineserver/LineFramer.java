package org.postrider.lineserver;

import java.io.ByteArrayOutputStream;

/**
 * CRLF line framing, free of I/O so it can be fuzzed: bytes go in as they arrive, in any
 * chunking; complete lines come out without their CRLF. Only CRLF ends a line; a CR not
 * followed by LF, or an LF not preceded by CR, is a fatal violation (the smuggling and
 * injection vector). A line over the limit is consumed up to its CRLF and reported, while
 * memory stays bounded by the limit.
 */
public final class LineFramer {
    private final int maxLength;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private boolean pendingCr;
    private boolean tooLong;
    private boolean complete;
    private boolean started;

    public LineFramer(int maxLength) {
        this.maxLength = maxLength;
    }

    /**
     * Consumes bytes up to the end of the current line (or all of them if it does not end
     * here) and returns how many it consumed. When a line is complete, {@link #take()}
     * returns it.
     */
    public int feed(byte[] buf, int off, int len) throws ProtocolViolation {
        if (complete) {
            throw new IllegalStateException("take() the complete line first");
        }
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            started = true;
            if (pendingCr) {
                if (b != '\n') {
                    throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare CR");
                }
                pendingCr = false;
                complete = true;
                return i - off + 1;
            }
            if (b == '\n') {
                throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare LF");
            }
            if (b == '\r') {
                pendingCr = true;
                continue;
            }
            if (line.size() < maxLength) {
                line.write(b);
            } else {
                tooLong = true;
            }
        }
        return len;
    }

    /** Whether a complete line is waiting. */
    public boolean complete() {
        return complete;
    }

    /** Whether part of a line has been received (end of stream now would cut a line). */
    /** Whether the line has gone past the limit (its rest is being discarded). */
    public boolean tooLong() {
        return tooLong;
    }

    public boolean started() {
        return started;
    }

    /** The complete line, without CRLF; resets for the next one. */
    public byte[] take() throws ProtocolViolation {
        if (!complete) {
            throw new IllegalStateException("no complete line");
        }
        byte[] result = line.toByteArray();
        boolean over = tooLong;
        reset();
        if (over) {
            throw new ProtocolViolation(ProtocolViolation.Kind.LINE_TOO_LONG, "line longer than " + maxLength);
        }
        return result;
    }

    private void reset() {
        line.reset();
        pendingCr = false;
        tooLong = false;
        complete = false;
        started = false;
    }
}
