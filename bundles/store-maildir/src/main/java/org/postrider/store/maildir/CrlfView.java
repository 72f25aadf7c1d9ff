package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.postrider.api.message.MessageContent;

/**
 * A message file as IMAP and POP3 must serve it, with CRLF line ends. Other Maildir tools
 * (procmail, mbsync on Unix, a hand copy) often write bare LFs: each LF not after a CR is
 * served as CRLF, so the message's size (RFC822.SIZE, POP3 LIST), its structure's offsets
 * and every byte range are those of the CRLF view. The store counts a foreign file's view
 * size once, when a caller first needs it ({@link #size}, {@link MaildirFolder#countSizes}),
 * and keeps it as the message's size; a file shorter than that is served converted, one as long (every file Postrider
 * writes, and CRLF files of other tools) as it is, through a seek, at no cost. A range of a
 * converted file is found by converting from the last {@link CrlfCheckpoints checkpoint}
 * before it (every MiB of the file, recorded by earlier conversions of the same message), so
 * its work is in proportion to its length plus at most a MiB, and it is done at the first
 * read, not when the file is opened (under the folder's lock).
 */
final class CrlfView {
    private static final int BUFFER = 64 * 1024;
    /** Checkpoint tables of the messages read last: 64k checkpoints at most, about 1 MiB. */
    static final CrlfCheckpoints.Cache CHECKPOINTS = new CrlfCheckpoints.Cache(1 << 16);

    private CrlfView() {
    }

    /**
     * The size of the CRLF view of the first {@code length} octets of a regular file, the length
     * its caller stat'ed ({@link MaildirFolder}: a link or a special file is never opened here):
     * a file that grew since, or lies about its length, is read no further. Reads it once,
     * keeping the checkpoints of a converted file under {@code key} for the reads to come. The
     * open does not follow a link put in its place meanwhile ({@link RegularFiles}).
     */
    static long size(Path file, long length, Object key) throws IOException {
        try (FileChannel ch = RegularFiles.open(file)) {
            long fileSize = Math.min(length, ch.size());
            // a buffer the file's size up to 64 KiB: indexing 100,000 files of 1 KB made a
            // 64 KiB buffer for each (6 GB to zero, the top of a first SELECT's profile)
            Converting view = new Converting(MessageContent.limited(Channels.newInputStream(ch), fileSize),
                    (int) Math.clamp(fileSize + 1, 512, BUFFER), CrlfCheckpoints.none(CrlfCheckpoints.STRIDE, fileSize),
                    -1);
            long size = view.skip(Long.MAX_VALUE);
            if (size > fileSize) {
                CHECKPOINTS.put(key, view.checkpoints());
            }
            return size;
        }
    }

    /**
     * Opens {@code length} octets (all, if negative) from {@code offset} of the CRLF view of a
     * regular file ({@link RegularFiles}) whose view is {@code viewSize} octets long. The file
     * is opened now (a rename or an unlink afterwards does not change what is read); a
     * converted range is found at the first read, from the checkpoints kept under {@code key}
     * (the message: its file never changes).
     */
    static InputStream open(Path file, long viewSize, long offset, long length, Object key) throws IOException {
        // only a regular file, not through a link: a FIFO in a message's place (a name of
        // Postrider's gives its size, so it was never counted) would block the open
        FileChannel ch = RegularFiles.open(file);
        try {
            if (ch.size() >= viewSize) { // stored as served
                ch.position(Math.min(Math.max(0, offset), ch.size()));
                InputStream in = Channels.newInputStream(ch);
                return length < 0 ? in : MessageContent.limited(in, length);
            }
            return new Deferred(ch, key, offset, length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** {@code length} octets (all, if negative) of a view from {@code offset}, skipped to by converting. */
    static InputStream window(Converting view, long offset, long length) throws IOException {
        long skip = Math.max(0, offset) - view.viewPosition();
        while (skip > 0) {
            long n = view.skip(skip);
            if (n <= 0) {
                break; // past the end: nothing to read
            }
            skip -= n;
        }
        return length < 0 ? view : MessageContent.limited(view, length);
    }

    /** A window of a converted file, found from the nearest checkpoint at its first use. */
    private static final class Deferred extends InputStream {
        private final FileChannel ch;
        private final Object key;
        private final long offset;
        private final long length;
        private Converting view;
        private InputStream in;

        Deferred(FileChannel ch, Object key, long offset, long length) {
            this.ch = ch;
            this.key = key;
            this.offset = offset;
            this.length = length;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                long fileSize = ch.size();
                CrlfCheckpoints t = CHECKPOINTS.get(key, fileSize);
                int i = t.before(Math.max(0, offset));
                ch.position(t.rawAt(i));
                view = new Converting(Channels.newInputStream(ch), BUFFER, t, i);
                in = window(view, offset, length);
                CHECKPOINTS.put(key, view.checkpoints());
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            return in().skip(n);
        }

        @Override
        public void close() throws IOException {
            try {
                if (view != null) {
                    CHECKPOINTS.put(key, view.checkpoints());
                }
            } finally {
                ch.close();
            }
        }
    }

    /**
     * Converts bare LFs to CRLF as it reads; CRLF, and any other octet, pass unchanged. It
     * knows where it stands in the file and in the view, and records a checkpoint at each
     * stride of the file it passes.
     */
    static final class Converting extends InputStream {
        private final InputStream in;
        private final byte[] buf;
        private int pos;
        private int lim;
        private boolean eof;
        /** File offset of buf[0]. */
        private long bufStart;
        /** View octets given so far (the view offset of the next one). */
        private long viewPos;
        /** The last octet read from the file was a CR. */
        private boolean afterCr;
        /** A bare LF was met and its CR given: the LF is next. */
        private boolean pendingLf;
        private final CrlfCheckpoints.Recorder recorder;
        /** The file offset of the next checkpoint to record, or -1 for none. */
        private long nextMark;

        /** @param buffer octets of the file read at once */
        Converting(InputStream in, int buffer) {
            this(in, buffer, CrlfCheckpoints.none(Long.MAX_VALUE / 2, -1), -1);
        }

        /**
         * Converts from checkpoint {@code at} of {@code table} (-1: the start), {@code in}
         * reading the file from there; records the checkpoints it passes beyond the table's.
         */
        Converting(InputStream in, int buffer, CrlfCheckpoints table, int at) {
            this.in = in;
            this.buf = new byte[buffer];
            this.bufStart = table.rawAt(at);
            this.viewPos = table.viewAt(at);
            this.afterCr = table.afterCrAt(at);
            this.recorder = new CrlfCheckpoints.Recorder(table);
            this.nextMark = recorder.next(); // past the table's last checkpoint, so past the start
        }

        long viewPosition() {
            return viewPos;
        }

        /** The table it started from with the checkpoints it recorded. */
        CrlfCheckpoints checkpoints() {
            return recorder.table();
        }

        /** Whether an octet of the file is at hand, reading more if needed; false at its end. */
        private boolean fill() throws IOException {
            while (pos == lim && !eof) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    eof = true;
                } else {
                    bufStart += lim;
                    pos = 0;
                    lim = n;
                }
            }
            return pos < lim;
        }

        /** Records a checkpoint if the next octet of the file is at one (not while an LF is pending). */
        private void mark() {
            if (bufStart + pos == nextMark) {
                recorder.record(viewPos, afterCr);
                nextMark = recorder.next();
            }
        }

        /** The next octet of the view, or -1 at its end. */
        private int next() throws IOException {
            if (pendingLf) {
                pendingLf = false;
                viewPos++;
                return '\n';
            }
            if (pos == lim && !fill()) {
                return -1;
            }
            mark();
            byte c = buf[pos++];
            viewPos++;
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
            while (skipped < count) {
                if (pendingLf) {
                    pendingLf = false;
                    viewPos++;
                    skipped++;
                    continue;
                }
                if (pos == lim && !fill()) {
                    break;
                }
                // Through the buffer without a call per octet: the bulk of a partial read's work.
                long want = count - skipped;
                int end = lim;
                if (nextMark >= 0 && nextMark - bufStart >= pos && nextMark - bufStart < end) {
                    end = (int) (nextMark - bufStart); // stop at the checkpoint to record it
                    if (end == pos) {
                        mark();
                        end = lim;
                        if (nextMark >= 0 && nextMark - bufStart > pos && nextMark - bufStart < end) {
                            end = (int) (nextMark - bufStart);
                        }
                    }
                }
                long before = viewPos;
                boolean cr = afterCr;
                int p = pos;
                long v = viewPos;
                long stop = want > Long.MAX_VALUE - v ? Long.MAX_VALUE : v + want;
                while (p < end && v < stop) {
                    byte c = buf[p++];
                    if (c == '\n' && !cr) {
                        v++;
                        if (v < stop) {
                            v++;
                        } else {
                            pendingLf = true;
                        }
                        cr = false;
                    } else {
                        v++;
                        cr = c == '\r';
                    }
                }
                pos = p;
                afterCr = cr;
                viewPos = v;
                skipped += v - before;
            }
            return skipped;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
