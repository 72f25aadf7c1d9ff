package org.postrider.imap.command;

import java.io.IOException;
import java.io.OutputStream;
import org.postrider.api.store.StoreException;
import org.postrider.imap.parse.ResponseWriter;

/**
 * One message's FETCH response on its way out: items gather in a writer and go to the
 * connection when it holds a buffer's worth or a literal follows, the literal's octets
 * streamed behind. It knows whether any byte of the response has left, which decides what a
 * failure of the store can still be answered with. One instance serves a command's messages
 * in turn ({@link #next}), its writer's buffer with them: complete responses of small
 * messages (FETCH FLAGS of a folder) gather too and go out a buffer's worth at a time, not a
 * write to the connection each; {@link #finish} sends what is left, before any other reply.
 */
final class FetchResponse {
    /** Where the response goes: the session's connection, or a test's buffer. */
    interface Sink {
        void write(byte[] bytes) throws IOException;

        /** Writes {@code bytes[0, length)}. */
        default void write(byte[] bytes, int length) throws IOException {
            write(java.util.Arrays.copyOf(bytes, length));
        }

        /** The raw output, for a literal's octets. */
        OutputStream output() throws IOException;
    }

    private final Sink sink;
    private final ResponseWriter w;
    private boolean begun;
    /** Where the current message's response begins in the writer (complete ones before it, unsent). */
    private int start;

    FetchResponse(Sink sink, boolean utf8) {
        this.sink = sink;
        this.w = new ResponseWriter(utf8);
    }

    ResponseWriter writer() {
        return w;
    }

    /** Begins the next message's response (the last one ended). */
    /** Begins the next message's response; a buffer's worth of complete ones goes out first. */
    void next() throws IOException {
        if (w.size() >= Octets.BUFFER) {
            send();
        }
        start = w.size();
        begun = false;
    }

    boolean begun() {
        return begun;
    }

    void itemDone() throws IOException {
        if (w.size() >= Octets.BUFFER) {
            send();
        }
    }

    /** Ends the message's response; it may wait in the buffer with the next ones ({@link #finish}). */
    void end() throws IOException {
        w.raw(")\r\n");
        start = w.size();
        if (w.size() >= Octets.BUFFER) {
            send();
        }
    }

    /**
     * Sends the complete responses that wait, leaving out a response begun and not ended (a
     * message whose octets the store could not give, answered with NO): before the command's
     * other replies, and when it fails.
     */
    void finish() throws IOException {
        w.truncate(start);
        send();
    }

    private void send() throws IOException {
        if (w.size() > 0) {
            begun |= w.size() > start;
            sink.write(w.buffer(), w.size());
            w.reset();
            start = 0;
        }
    }

    void literal(Octets body, boolean binary) throws IOException, StoreException {
        long size;
        boolean literal8;
        Octets.Opened opened;
        try {
            size = body.size();
            literal8 = binary && body.hasNul();
            opened = body.open();
        } catch (java.nio.file.NoSuchFileException expunged) { // by another session since the FETCH began
            w.nil();
            return;
        } catch (IOException e) {
            throw answerable(e);
        }
        try (opened) {
            w.literalPrefix(size, literal8);
            send();
            copy(opened, size);
        }
    }

    /** BINARY.SIZE: a number, 0 for a message expunged since the FETCH began. */
    long binarySize(Octets body) throws IOException, StoreException {
        try {
            return body.size();
        } catch (java.nio.file.NoSuchFileException expunged) {
            return 0;
        } catch (IOException e) {
            throw answerable(e);
        }
    }

    /** The store's failure behind {@code e}, to answer with NO, while nothing of the response has left; else {@code e}. */
    private IOException answerable(IOException e) throws StoreException {
        if (!begun && e.getCause() instanceof StoreException se) {
            throw se;
        }
        return e;
    }

    private void copy(Octets.Opened body, long size) throws IOException {
        OutputStream out = sink.output();
        long[] sent = {0};
        body.writeTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (sent[0] + len > size) {
                    throw new IOException("message content longer than announced");
                }
                out.write(b, off, len);
                sent[0] += len;
            }
        });
        if (sent[0] != size) {
            throw new IOException("message content shorter than announced");
        }
    }
}
