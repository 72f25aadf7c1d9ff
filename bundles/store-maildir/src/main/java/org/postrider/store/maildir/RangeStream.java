package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A stream over a byte range of a file, positioned by a seek (IMAP partial FETCH reads no more than asked). */
final class RangeStream {
    private RangeStream() {
    }

    static InputStream of(Path file, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long start = Math.min(Math.max(0, offset), ch.size());
            ch.position(start);
            long end = Math.min(ch.size(), start + Math.max(0, length));
            InputStream in = Channels.newInputStream(ch);
            return new InputStream() {
                private long left = end - start;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = in.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return len == 0 ? 0 : -1;
                    }
                    int n = in.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
