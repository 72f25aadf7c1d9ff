package org.postrider.lineserver;

import java.util.Arrays;

/**
 * CRLF line framing, free of I/O so it can be fuzzed: bytes go in as they arrive, in any
 * chunking; complete lines come out without their CRLF. Only CRLF ends a line; a CR not
 * followed by LF, or an LF not preceded by CR, is a fatal violation (the smuggling and
 * injection vector). A line over the limit is consumed up to its CRLF and reported, while
 * memory stays bounded by the limit. A connection keeps one and reuses it for every line:
 * runs of octets are copied at once, not one by one.
 */
public final class LineFramer {
    /** What a framer holds at first, and again after a long line once the session waits. */
    private static final int INITIAL = 128;
    private int maxLength;
    private byte[] line = new byte[INITIAL];
    private int length;
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
        if (len <= 0) {
            return 0;
        }
        started = true;
        int end = off + len;
        int i = off;
        if (pendingCr) {
            if (buf[i] != '\n') {
                throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare CR");
            }
            pendingCr = false;
            complete = true;
            return 1;
        }
        int run = i;
        byte b = 0;
        while (i < end && (b = buf[i]) != '\r' && b != '\n') {
            i++;
        }
        append(buf, run, i - run);
        if (i == end) {
            return len;
        }
        if (b == '\n') {
            throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare LF");
        }
        i++; // the CR
        if (i == end) {
            pendingCr = true;
            return len;
        }
        if (buf[i] != '\n') {
            throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare CR");
        }
        complete = true;
        return i + 1 - off;
    }

    /** Keeps at most the limit; the rest of an overlong line is only counted as too long. */
    private void append(byte[] buf, int off, int n) {
        int room = maxLength - length;
        if (n > room) {
            tooLong = true;
            n = room;
        }
        if (n <= 0) {
            return;
        }
        if (length + n > line.length) {
            // doubling, never past the limit: memory stays bounded by it
            line = Arrays.copyOf(line, (int) Math.min(maxLength, Math.max(length + n, 2L * line.length)));
        }
        System.arraycopy(buf, off, line, length, n);
        length += n;
    }

    /** Whether a complete line is waiting. */
    public boolean complete() {
        return complete;
    }

    /** Whether the line has gone past the limit (its rest is being discarded). */
    public boolean tooLong() {
        return tooLong;
    }

    /** Whether part of a line has been received (end of stream now would cut a line). */
    public boolean started() {
        return started;
    }

    /** The complete line, without CRLF; resets for the next one. */
    public byte[] take() throws ProtocolViolation {
        if (!complete) {
            throw new IllegalStateException("no complete line");
        }
        byte[] result = Arrays.copyOf(line, length);
        boolean over = tooLong;
        reset();
        if (over) {
            throw new ProtocolViolation(ProtocolViolation.Kind.LINE_TOO_LONG, "line longer than " + maxLength);
        }
        return result;
    }

    /** Starts afresh on a new line under another limit (a connection's framer, reused for each read). */
    void restart(int newMaxLength) {
        reset();
        maxLength = newMaxLength;
    }

    /** Gives back a buffer a long line grew, while the session waits. */
    void shrink() {
        if (length == 0 && line.length > INITIAL) {
            line = new byte[INITIAL];
        }
    }

    private void reset() {
        length = 0;
        pendingCr = false;
        tooLong = false;
        complete = false;
        started = false;
    }
}
