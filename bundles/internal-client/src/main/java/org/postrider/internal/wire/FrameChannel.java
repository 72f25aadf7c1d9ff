package org.postrider.internal.wire;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.postrider.internal.proto.ErrorCode;
import org.postrider.internal.proto.Frame;
import org.postrider.internal.proto.FrameDecoder;
import org.postrider.internal.proto.FrameType;
import org.postrider.internal.proto.Frames;
import org.postrider.internal.proto.ProtocolException;

/**
 * The sending side's framed connection: frames out through a buffer, frames in through the
 * incremental {@link FrameDecoder} (an ERROR from the peer becomes a {@link ProtocolException}).
 * A deadline, while set, bounds every read and the time in all (the handshake's one deadline):
 * a peer that trickles one octet at a time cannot stretch it. One reader thread at a time; the
 * caller serialises writes.
 */
public final class FrameChannel {
    private final Socket socket;
    private final String peer;
    private final OutputStream out;
    private final InputStream in;
    private final FrameDecoder decoder = new FrameDecoder(Frame.HELLO_MAX);
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final byte[] readBuf = new byte[16 * 1024];
    private long deadline;

    /** @param outBuffer octets buffered before a write reaches the socket (a DATA chunk and its header fit) */
    public FrameChannel(Socket socket, String peer, int outBuffer) throws IOException {
        this.socket = socket;
        this.peer = peer;
        this.out = new BufferedOutputStream(socket.getOutputStream(), outBuffer);
        this.in = socket.getInputStream();
    }

    /** Reads after this instant fail (0: no deadline, reads wait for ever). */
    public void deadline(long epochMillis) throws IOException {
        this.deadline = epochMillis;
        socket.setSoTimeout(0);
    }

    /** The largest frame taken from the peer (after the HELLOs: what this side announced). */
    public void maxFrame(int max) {
        decoder.maxFrame(max);
    }

    /** The next frame from the peer, or an IOException at the end of the stream or past the deadline. */
    public Frame next() throws IOException {
        while (frames.isEmpty()) {
            int n;
            if (deadline > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new ProtocolException(ErrorCode.TIMEOUT, peer + " did not answer in time");
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                try {
                    n = in.read(readBuf);
                } catch (SocketTimeoutException e) {
                    throw new ProtocolException(ErrorCode.TIMEOUT, peer + " did not answer in time");
                }
            } else {
                n = in.read(readBuf);
            }
            if (n < 0) {
                throw new IOException("connection closed by " + peer);
            }
            frames.addAll(decoder.feed(readBuf, 0, n));
        }
        Frame f = frames.poll();
        if (f.type() == FrameType.ERROR) {
            throw Frames.decodeError(f);
        }
        return f;
    }

    /** Writes a frame into the buffer. */
    public void write(Frame f) throws IOException {
        f.writeTo(out);
    }

    /** Writes one DATA frame of {@code n} octets from {@code b}. */
    public void data(byte[] b, int n) throws IOException {
        Frame.writeHeader(out, FrameType.DATA, n);
        out.write(b, 0, n);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Writes a frame and flushes. */
    public void send(Frame f) throws IOException {
        write(f);
        flush();
    }

    public Socket socket() {
        return socket;
    }
}
