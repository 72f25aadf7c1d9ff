package org.postrider.imap.command;

import java.io.IOException;
import java.io.InputStream;
import org.postrider.api.message.MessageContent;

/**
 * Message content in memory that counts what is read from it: octets, and the largest single
 * read, as a file-backed store's content would be read (positioned, not skipped through).
 */
final class CountingContent implements MessageContent {
    private final byte[] data;
    long octetsRead;
    int largestRead;
    /** Expunged: opening fails as the store's content does then; streams already open read on. */
    boolean gone;

    CountingContent(byte[] data) {
        this.data = data;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public InputStream open() throws java.nio.file.NoSuchFileException {
        return open(0, data.length);
    }

    @Override
    public InputStream open(long offset, long length) throws java.nio.file.NoSuchFileException {
        if (gone) {
            throw new java.nio.file.NoSuchFileException("expunged");
        }
        int from = (int) Math.min(offset, data.length);
        int to = (int) Math.min(data.length, from + Math.min(length, Integer.MAX_VALUE));
        return new InputStream() {
            private int at = from;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= to) {
                    return -1;
                }
                int n = Math.min(len, to - at);
                System.arraycopy(data, at, b, off, n);
                at += n;
                octetsRead += n;
                largestRead = Math.max(largestRead, n);
                return n;
            }
        };
    }

    static byte[] bytes(Octets o) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        o.writeTo(out);
        return out.toByteArray();
    }
}
