package org.postrider.lineserver;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered output stream whose buffer exists only while it holds something worth holding:
 * it starts at {@link #SMALL} octets when a reply is written, doubles up to {@link #LARGE}
 * as replies grow, and {@link #release()} drops it while the session waits for its client.
 * Ten thousand idle sessions then hold no reply buffers instead of 16 KiB each; a busy one
 * keeps its large buffer from one reply to the next. Writes larger than the buffer go
 * through after what it holds, as {@link java.io.BufferedOutputStream}'s do. Thread-safe as
 * that class is: a session's reader may release while another thread writes a notice.
 */
final class ElasticOutput extends OutputStream {
    static final int SMALL = 1024;
    static final int LARGE = 16 * 1024;

    private final OutputStream sink;
    private byte[] buf;
    private int count;

    ElasticOutput(OutputStream sink) {
        this.sink = sink;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (buf == null || count == buf.length) {
            room(1);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (buf == null || len > buf.length - count) {
            room(len);
        }
        if (len > buf.length - count) {
            // the buffer is as large as it gets and was just emptied: no copy for a large write
            sink.write(b, off, len);
            return;
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** Makes room for {@code len} more octets: grows the buffer up to LARGE, else writes it out. */
    private void room(int len) throws IOException {
        if (buf == null) {
            int size = SMALL;
            while (size < LARGE && size < len) {
                size <<= 1;
            }
            buf = new byte[size];
        } else if (len > buf.length - count && buf.length < LARGE) {
            int size = buf.length;
            while (size < LARGE && size - count < len) {
                size <<= 1;
            }
            buf = java.util.Arrays.copyOf(buf, size);
        }
        if (len > buf.length - count) {
            drain();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            sink.write(buf, 0, count);
            count = 0;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        drain();
        sink.flush();
    }

    /**
     * Writes {@code b} after what the buffer holds, and flushes, in one call: no other
     * writer's octets come between (a stop's goodbye goes out whole or not at all).
     */
    synchronized void writeNow(byte[] b) throws IOException {
        drain();
        sink.write(b, 0, b.length);
        sink.flush();
    }

    /** Drops the buffer if it holds nothing (the session is about to wait for its client). */
    synchronized void release() {
        if (count == 0) {
            buf = null;
        }
    }

    /** The octets of buffer held now (0 when released). */
    synchronized int capacity() {
        return buf == null ? 0 : buf.length;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            flush();
        } finally {
            sink.close();
        }
    }
}
