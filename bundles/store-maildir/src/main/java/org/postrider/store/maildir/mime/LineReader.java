package org.postrider.store.maildir.mime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a message line by line (a line ends at LF; CRLF and a lone LF are told apart) with
 * the absolute offset of each line, keeping at most the first {@code keep} octets of a line's
 * content: a 1 GB line costs one pass and a fixed buffer, never 1 GB of memory.
 */
final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private long base; // offset of buf[0] in the message
    private boolean eof;

    /** Offset of the current line's first octet. */
    long start;
    /** Octets of the current line, line end included. */
    long length;
    /** Octets of the line end: 2 for CRLF, 1 for LF, 0 for a last line without one. */
    int eol;
    /** Octets of content (the line without its end). */
    long contentLength;
    /** The first {@code keptLength} octets of the content. */
    byte[] kept = new byte[256];
    int keptLength;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Offset just past what has been read as lines. */
    long position() {
        return base + pos;
    }

    /** Reads the next line keeping up to {@code keep} octets of it; false at the end of input. */
    boolean next(int keep) throws IOException {
        if (!fill()) {
            return false;
        }
        start = base + pos;
        keptLength = 0;
        long len = 0;
        boolean lastCr = false;
        eol = 0;
        while (pos < lim || fill()) {
            int nl = -1;
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? lim : nl;
            if (end > pos) {
                keep(pos, end, keep);
                lastCr = buf[end - 1] == '\r';
                len += end - pos;
            }
            if (nl >= 0) {
                pos = nl + 1;
                len++;
                eol = lastCr ? 2 : 1;
                break;
            }
            pos = end;
        }
        length = len;
        contentLength = len - eol;
        // the CR of a CRLF may have been kept with the content, and one octet past keep
        keptLength = (int) Math.min(keptLength, Math.min(contentLength, keep));
        return true;
    }

    private void keep(int from, int to, int keep) {
        int n = Math.min(to - from, keep + 1 - keptLength); // one more: a CR that ends up the line end
        if (n <= 0) {
            return;
        }
        if (keptLength + n > kept.length) {
            kept = Arrays.copyOf(kept, Math.max(keptLength + n, Math.min(kept.length * 2, keep + 1)));
        }
        System.arraycopy(buf, from, kept, keptLength, n);
        keptLength += n;
    }

    /** Whether the whole content of the current line was kept. */
    boolean whole() {
        return keptLength == contentLength;
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        if (eof) {
            return false;
        }
        base += lim;
        pos = 0;
        lim = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim = n;
        return true;
    }
}
