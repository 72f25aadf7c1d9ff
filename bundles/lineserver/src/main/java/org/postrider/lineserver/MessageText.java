package org.postrider.lineserver;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Message text as SMTP DATA sends it (RFC 5321 4.5.2), free of I/O so it can be fuzzed:
 * octets go in as they arrive, in any chunking; the content goes out to a sink in runs taken
 * straight from the input (a connection's buffer), dot-unstuffed and with its CRLFs, and no
 * line is ever copied on its own. Only CRLF ends a line and only a line that is "." alone
 * ends the text; a bare CR or LF anywhere is a fatal violation (the smuggling defence). A
 * line over the line limit, or content over the size limit, makes the text refused: it is
 * still read to its end, but from then on nothing more goes to the sink, so what the sink
 * took is bounded by the size limit.
 */
public final class MessageText {
    private final int maxLineLength;
    private final long maxOctets;
    /** Octets of the current line so far, a stuffed dot included, its CRLF not. */
    private long lineLength;
    private boolean pendingCr;
    /** The current line is "." so far. */
    private boolean dotAlone;
    private boolean ended;
    private boolean lineTooLong;
    private boolean tooBig;
    private long octets;
    private long lines;

    /**
     * @param maxLineLength octets a line may have before its CRLF (a stuffed dot counts)
     * @param maxOctets     octets of content (unstuffed, CRLFs counted) the text may have
     */
    public MessageText(int maxLineLength, long maxOctets) {
        this.maxLineLength = maxLineLength;
        this.maxOctets = maxOctets;
    }

    /**
     * Consumes octets up to the end of the text (or all of them if it does not end here),
     * passes their content on to {@code sink} unless the text is refused, and returns how many
     * it consumed: nothing after the final "." CRLF is taken.
     */
    public int feed(byte[] buf, int off, int len, OutputStream sink) throws IOException {
        if (ended) {
            throw new IllegalStateException("the text has ended");
        }
        int end = off + len;
        int i = off;
        int span = off; // the start of the content not passed on yet
        while (i < end) {
            byte b = buf[i];
            if (pendingCr) {
                if (b != '\n') {
                    throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare CR");
                }
                pendingCr = false;
                i++;
                lines++;
                if (dotAlone) {
                    ended = true; // its CR was left out of the content: nothing of this line is passed on
                    return i - off;
                }
                lineLength = 0;
                continue;
            }
            if (b == '\r') {
                pendingCr = true;
                if (dotAlone) {
                    pass(buf, span, i - span, sink);
                    span = i + 1; // perhaps the end: the CR is not content
                }
                i++;
                continue;
            }
            if (b == '\n') {
                throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING, "bare LF");
            }
            if (lineLength == 0 && b == '.') {
                pass(buf, span, i - span, sink);
                span = i + 1; // the stuffed dot is not content
                dotAlone = true;
                grow(1);
                i++;
                continue;
            }
            if (dotAlone) {
                dotAlone = false; // a dot-stuffed line: the CR of ".\r" stays out only if it ends the text
            }
            int run = i;
            while (i < end && (b = buf[i]) != '\r' && b != '\n') {
                i++;
            }
            grow(i - run);
        }
        pass(buf, span, end - span, sink);
        return len;
    }

    private void grow(int n) {
        lineLength += n;
        if (lineLength > maxLineLength) {
            lineTooLong = true;
            lineLength = maxLineLength + 1; // no overflow on a line that never ends
        }
    }

    private void pass(byte[] buf, int off, int n, OutputStream sink) throws IOException {
        if (n <= 0 || refused()) {
            return;
        }
        if (octets + n > maxOctets) {
            tooBig = true;
            return;
        }
        sink.write(buf, off, n);
        octets += n;
    }

    /** Whether the final "." line has come. */
    public boolean ended() {
        return ended;
    }

    /** Whether a line has begun and not ended (end of stream now would cut it). */
    public boolean midLine() {
        return lineLength > 0 || pendingCr;
    }

    /** Lines completed so far (the final "." counted). */
    public long lines() {
        return lines;
    }

    /** Whether a line went over the line limit. */
    public boolean lineTooLong() {
        return lineTooLong;
    }

    /** Whether the content went over the size limit. */
    public boolean tooBig() {
        return tooBig;
    }

    /** Whether the text is refused (too long a line or too big): the sink got only part of it. */
    public boolean refused() {
        return lineTooLong || tooBig;
    }

    /** Octets of content passed on. */
    public long octets() {
        return octets;
    }
}
