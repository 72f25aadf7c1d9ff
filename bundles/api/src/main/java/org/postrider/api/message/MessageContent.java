package org.postrider.api.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * The RFC 5322 text of a message (CRLF line ends, not dot-stuffed), read as a stream and
 * never forced into memory: a spool or store file behind it is opened on each call.
 */
public interface MessageContent {
    /** The size in octets. */
    long size();

    /** A fresh stream over the whole content; the caller closes it. */
    InputStream open() throws IOException;

    /**
     * A stream over {@code length} octets from {@code offset} (fewer at the end of the
     * content). A file behind it is positioned, not read up to the offset.
     */
    default InputStream open(long offset, long length) throws IOException {
        InputStream in = open();
        try {
            in.skipNBytes(Math.min(offset, size()));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return limited(in, length);
    }

    /** Content held in memory (a notice, a test's message): {@code octets} is not copied, so keep it unchanged. */
    static MessageContent of(byte[] octets) {
        java.util.Objects.requireNonNull(octets, "octets");
        return new MessageContent() {
            @Override
            public long size() {
                return octets.length;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(octets);
            }
        };
    }

    /** A stream that ends after {@code length} octets of {@code in} (or at its end); closing it closes {@code in}. */
    static InputStream limited(InputStream in, long length) {
        return new java.io.FilterInputStream(in) {
            private long left = Math.max(0, length);

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
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
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = super.skip(Math.min(n, left));
                left -= s;
                return s;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
