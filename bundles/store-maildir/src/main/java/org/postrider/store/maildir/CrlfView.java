package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.postrider.api.message.MessageContent;

/**
 * A message file as IMAP and POP3 must serve it, with CRLF line ends. Other Maildir tools
 * (procmail, mbsync on Unix, a hand copy) often write bare LFs: each LF not after a CR is
 * served as CRLF, so the message's size (RFC822.SIZE, POP3 LIST), its structure's offsets
 * and every byte range are those of the CRLF view. The store counts a foreign file's view
 * size once, when it first indexes the file ({@link #size}), and keeps it as the message's
 * size; a file shorter than that is served converted, one as long (every file Postrider
 * writes, and CRLF files of other tools) as it is, through a seek, at no cost. A range of a
 * converted file is found by converting from the start (work in proportion to the offset,
 * memory one buffer), as the file holds no map of where its lines end.
 */
final class CrlfView {
    private static final int BUFFER = 64 * 1024;

    private CrlfView() {
    }

    /** The size of the file's CRLF view: its length plus one for each bare LF (reads it once). */
    static long size(Path file) throws IOException {
        try (InputStream in = new Converting(Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ)),
                BUFFER)) {
            return in.skip(Long.MAX_VALUE);
        }
    }

    /**
     * Opens {@code length} octets (all, if negative) from {@code offset} of the CRLF view of a
     * file whose view is {@code viewSize} octets long.
     */
    static InputStream open(Path file, long viewSize, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            if (ch.size() >= viewSize) { // stored as served
                ch.position(Math.min(Math.max(0, offset), ch.size()));
                InputStream in = Channels.newInputStream(ch);
                return length < 0 ? in : MessageContent.limited(in, length);
            }
            return window(new Converting(Channels.newInputStream(ch), BUFFER), offset, length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** {@code length} octets (all, if negative) of a view from {@code offset}, skipped to by converting. */
    static InputStream window(Converting view, long offset, long length) throws IOException {
        long skip = Math.max(0, offset);
        while (skip > 0) {
            long n = view.skip(skip);
            if (n <= 0) {
                break; // past the end: nothing to read
            }
            skip -= n;
        }
        return length < 0 ? view : MessageContent.limited(view, length);
    }

    /** Converts bare LFs to CRLF as it reads; CRLF, and any other octet, pass unchanged. */
    static final class Converting extends InputStream {
        private final InputStream in;
        private final byte[] buf;
        private int pos;
        private int lim;
        private boolean eof;
        /** The last octet read from the file was a CR. */
        private boolean afterCr;
        /** A bare LF was met and its CR given: the LF is next. */
        private boolean pendingLf;

        /** @param buffer octets of the file read at once */
        Converting(InputStream in, int buffer) {
            this.in = in;
            this.buf = new byte[buffer];
        }

        /** Whether an octet of the file is at hand, reading more if needed; false at its end. */
        private boolean fill() throws IOException {
            while (pos == lim && !eof) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    eof = true;
                } else {
                    pos = 0;
                    lim = n;
                }
            }
            return pos < lim;
        }

        /** The next octet of the view, or -1 at its end. */
        private int next() throws IOException {
            if (pendingLf) {
                pendingLf = false;
                return '\n';
            }
            if (pos == lim && !fill()) {
                return -1;
            }
            byte c = buf[pos++];
            if (c == '\n' && !afterCr) {
                pendingLf = true;
                return '\r';
            }
            afterCr = c == '\r';
            return c & 0xff;
        }

        @Override
        public int read() throws IOException {
            return next();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (!pendingLf && pos == lim && (n > 0 || !fill())) {
                    break; // what is at hand, without waiting for more
                }
                b[off + n++] = (byte) next();
            }
            return n == 0 ? -1 : n;
        }

        @Override
        public long skip(long count) throws IOException {
            long skipped = 0;
            while (skipped < count && next() >= 0) {
                skipped++;
            }
            return skipped;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
