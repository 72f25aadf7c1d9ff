package org.postrider.imap.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.postrider.api.message.MessageContent;

/**
 * The octets of one FETCH body item: their count, known before the literal that carries them
 * is announced, and a way to send them a bounded buffer at a time. Nothing is read whole into
 * memory, and a range is read from the content by its offset, no more of it.
 */
interface Octets {
    /** Octets read from the content and handed on at once. */
    int BUFFER = 64 * 1024;

    long size() throws IOException;

    /** Writes exactly {@link #size()} octets (fewer only if the content changed meanwhile). */
    void writeTo(OutputStream out) throws IOException;

    /**
     * Opens what the octets are read from, before their literal is announced: a message
     * expunged meanwhile then fails here, where the item can still be NIL, and an open file
     * stays readable whatever happens to it after.
     */
    default Opened open() throws IOException {
        return this::writeTo;
    }

    /** Octets ready to be sent; closing releases what they are read from. */
    interface Opened extends AutoCloseable {
        /** Writes them, once. */
        void writeTo(OutputStream out) throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    /** Whether a NUL is among them (BINARY sends those as literal8). */
    default boolean hasNul() throws IOException {
        return false;
    }

    /** The octets from {@code origin}, at most {@code length} of them (a FETCH partial). */
    default Octets window(long origin, long length) {
        return new Window(this, origin, length);
    }

    Octets EMPTY = new Bytes(new byte[0]);

    /** A few octets in memory (a section that is absent, a header of an unparsed message). */
    record Bytes(byte[] data) implements Octets {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(data);
        }
    }

    /** {@code length} octets of the content from {@code offset}, clipped to its end. */
    record Range(MessageContent content, long offset, long length) implements Octets {
        static Octets of(MessageContent content, long offset, long length) {
            if (content == null) {
                return EMPTY;
            }
            long from = Math.clamp(offset, 0, content.size());
            return new Range(content, from, Math.clamp(length, 0, content.size() - from));
        }

        @Override
        public long size() {
            return length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            if (length == 0) {
                return;
            }
            try (InputStream in = content.open(offset, length)) {
                copy(in, out, length);
            }
        }

        @Override
        public Opened open() throws IOException {
            if (length == 0) {
                return out -> { };
            }
            InputStream in = content.open(offset, length);
            return new Opened() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    copy(in, out, length);
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }

        @Override
        public Octets window(long origin, long len) {
            long from = Math.min(origin, length);
            return new Range(content, offset + from, Math.min(len, length - from));
        }

        /** Reads the range once more (only BINARY asks, to choose literal8). */
        @Override
        public boolean hasNul() throws IOException {
            Counter c = new Counter();
            writeTo(c);
            return c.nul;
        }
    }

    /** A partial of octets that cannot be positioned (filtered or decoded): the ones before it are skipped. */
    record Window(Octets whole, long origin, long length) implements Octets {
        @Override
        public long size() throws IOException {
            return Math.clamp(whole.size() - origin, 0, length);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            whole.writeTo(window(out));
        }

        @Override
        public Opened open() throws IOException {
            Opened w = whole.open();
            return new Opened() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    w.writeTo(window(out));
                }

                @Override
                public void close() throws IOException {
                    w.close();
                }
            };
        }

        /** Passes on the octets from the origin, at most the length of them. */
        private OutputStream window(OutputStream out) {
            return new OutputStream() {
                private long at;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    long from = Math.max(at, origin);
                    long to = Math.min(at + len, origin + length);
                    if (from < to) {
                        out.write(b, off + (int) (from - at), (int) (to - from));
                    }
                    at += len;
                }
            };
        }

        @Override
        public boolean hasNul() throws IOException {
            return whole.hasNul(); // of the whole: a literal8 where a plain literal would do is still right
        }
    }

    /** Copies a stream of about {@code expected} octets through one bounded buffer, no larger than they need. */
    static long copy(InputStream in, OutputStream out, long expected) throws IOException {
        byte[] buf = new byte[(int) Math.clamp(expected, 512, BUFFER)];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            out.write(buf, 0, r);
            n += r;
        }
        return n;
    }

    /** Counts what is written to it, and whether a NUL was; keeps nothing. */
    final class Counter extends OutputStream {
        long count;
        boolean nul;

        @Override
        public void write(int b) {
            count++;
            nul |= b == 0;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
            for (int i = off; i < off + len && !nul; i++) {
                nul = b[i] == 0;
            }
        }
    }
}
