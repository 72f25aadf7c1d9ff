package org.postrider.lineserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One client connection as a protocol sees it: CRLF lines in, replies out. Framing is
 * strict: only CRLF ends a line; a bare CR or LF anywhere is a {@link ProtocolViolation};
 * lines are bounded. Reading is watched by deadlines, not per-read timeouts: the idle
 * timeout runs while waiting for a command, the command deadline from its first byte to
 * its CRLF, so a client trickling one byte at a time cannot hold the session. Writing is
 * watched too: a client must take each load of a reply within the command deadline.
 */
public final class Connection {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connection.class);
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final LineServer server;
    private final InetSocketAddress remote;
    /** The TCP socket under any TLS: closing it is what ends a write blocked on a peer that does not read. */
    private final Socket tcp;
    private Socket socket;
    private InputStream in;
    private ElasticOutput out;
    /**
     * What the client sent and the session has not read yet: small while the client sends
     * commands, {@link ElasticOutput#LARGE} once a read fills it (message text, literals), and
     * small again when the session waits for its next command, so an idle session holds
     * 1 KiB here, not 16.
     */
    private byte[] buf = new byte[ElasticOutput.SMALL];
    /** Frames every line this connection reads, reused (one per line was most of the work of DATA). */
    private final LineFramer framer = new LineFramer(0);
    private boolean growNext;
    private int pos;
    private int limit;
    private boolean secure;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile String deadlineKind = "idle";
    private volatile boolean timedOut;
    private final java.time.Instant since = java.time.Instant.now();
    private volatile String user;
    private volatile boolean engaged;
    /** Octets read from the client, for the data rate. */
    private volatile long received;
    private volatile long dataStart;
    private volatile long dataReceived;
    private volatile long dataEnd = Long.MAX_VALUE;
    private volatile long dataRateFrom = Long.MAX_VALUE;
    private volatile long dataMinRate;
    private java.util.zip.Inflater inflater;
    /** The protocol's count of sessions compressed now, given back at close. */
    private java.util.concurrent.atomic.AtomicInteger compressions;
    private java.util.zip.Deflater deflater;
    /** When the write under way must have been taken by the client; MAX_VALUE while none is. */
    private volatile long writeDeadline = Long.MAX_VALUE;
    private volatile boolean writeTimedOut;
    /**
     * BUSY (in a command, or its first octet read), AWAITING (blocked for the first octet of
     * the next command), WAITING (blocked in a wait inside a command, such as IMAP IDLE, or
     * between a binary protocol's frames); then, once the listener stopped meanwhile, one of
     * three ends: STOP_WRITES (the stop writes the goodbye; the session leaves it the socket
     * until STOP_WROTE), STOP_WROTE, or SESSION_WRITES (the session says goodbye itself).
     * Stop and session move it by CAS, so a command whose first octet came is never cut, and
     * who writes the goodbye is decided once, by the CAS itself.
     */
    private final java.util.concurrent.atomic.AtomicInteger between =
            new java.util.concurrent.atomic.AtomicInteger(BUSY);
    private static final int BUSY = 0;
    private static final int AWAITING = 1;
    private static final int SESSION_WRITES = 2;
    private static final int WAITING = 3;
    private static final int STOP_WRITES = 4;
    private static final int STOP_WROTE = 5;
    /** The protocol's goodbye for a stop, given by its {@link CommandLoop}. */
    private volatile java.util.function.Supplier<String> goodbye;

    /** @param tcp the accepted socket, {@code socket} itself or the one its implicit TLS is layered on */
    Connection(LineServer server, Socket tcp, Socket socket, boolean secure) throws IOException {
        this.server = server;
        this.tcp = tcp;
        this.socket = socket;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.in = socket.getInputStream();
        this.out = new ElasticOutput(timed(socket.getOutputStream()));
        this.secure = secure;
    }

    /**
     * Writes to the socket under a write deadline: each load of at most {@link #WRITE_LOAD}
     * octets must be taken by the client within the command deadline, or the watchdog closes
     * the connection. A client that stops reading would otherwise hold the writing thread,
     * and whatever it holds, for as long as it likes.
     */
    private OutputStream timed(OutputStream raw) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    int n = Math.min(len, WRITE_LOAD);
                    armWrite();
                    try {
                        raw.write(b, off, n);
                    } catch (IOException e) {
                        throw writeFailure(e);
                    } finally {
                        writeDeadline = Long.MAX_VALUE;
                    }
                    off += n;
                    len -= n;
                }
            }

            @Override
            public void flush() throws IOException {
                armWrite();
                try {
                    raw.flush();
                } catch (IOException e) {
                    throw writeFailure(e);
                } finally {
                    writeDeadline = Long.MAX_VALUE;
                }
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        };
    }

    /** Octets handed to the socket at once, each load under its own write deadline. */
    static final int WRITE_LOAD = 64 * 1024;

    private void armWrite() throws IOException {
        if (writeTimedOut) {
            throw writeFailure(null);
        }
        writeDeadline = System.currentTimeMillis() + server.settings().commandDeadline().toMillis();
    }

    private IOException writeFailure(IOException cause) {
        if (!writeTimedOut) {
            return cause;
        }
        ProtocolViolation v = new ProtocolViolation(ProtocolViolation.Kind.TIMEOUT,
                "write timeout: the client stopped reading");
        if (cause != null) {
            v.initCause(cause);
        }
        return v;
    }

    /** The client's address. */
    public InetSocketAddress remote() {
        return remote;
    }

    /**
     * Records who logged in (for the session listing) and counts the session against the
     * user's limit; false, recording nothing, when the user has as many sessions as allowed.
     */
    public boolean login(String id) {
        if (user != null) {
            throw new IllegalStateException("already logged in as " + user);
        }
        if (!server.users().enter(id, server.settings().maxPerUser())) {
            return false;
        }
        user = id;
        engaged = true;
        return true;
    }

    /**
     * The session is past its anonymous beginning (SMTP: a mail transaction begun): from now
     * on the idle timeout, not the shorter one before login, applies. Login does it too.
     */
    public void engage() {
        engaged = true;
    }

    /**
     * Message text begins (DATA after 354, the first BDAT chunk): until {@link #endData()}, it
     * must all arrive within {@code deadline}, and after {@code grace}, at {@code minRate}
     * octets a second on average at least, however each line is timed.
     *
     * @param minRate octets a second; 0 for no minimum
     */
    public void beginData(Duration deadline, long minRate, Duration grace) {
        long now = System.currentTimeMillis();
        dataStart = now;
        dataReceived = received;
        dataMinRate = Math.min(minRate, 1L << 30); // no overflow in the rate check
        dataRateFrom = minRate > 0 ? now + grace.toMillis() : Long.MAX_VALUE;
        dataEnd = now + deadline.toMillis();
    }

    /** The message text is complete (or abandoned). */
    public void endData() {
        dataEnd = Long.MAX_VALUE;
        dataRateFrom = Long.MAX_VALUE;
    }

    /** Gives back the user's session slot (the server does so when the connection ends). */
    public void logout() {
        String u = user;
        if (u != null) {
            user = null;
            server.users().leave(u);
        }
    }

    SessionInfo info() {
        return new SessionInfo(server.settings().name(), remote, since, secure, user);
    }

    /** The listener's settings. */
    public ListenerSettings settings() {
        return server.settings();
    }

    /** Whether the connection is under TLS (implicit or after STARTTLS). */
    public boolean secure() {
        return secure;
    }

    /** True once the listener is stopping: finish the current command and say goodbye. */
    public boolean stopping() {
        return server.stopping();
    }

    /** Whether TLS can be started here (a certificate is configured and the mode allows it). */
    public boolean tlsAvailable() {
        return !secure && server.settings().tls() == TlsMode.STARTTLS && server.tlsContext() != null;
    }

    /**
     * Reads one line without its CRLF, or null at end of stream. A line longer than the
     * limit is discarded up to its CRLF and reported as LINE_TOO_LONG.
     */
    public byte[] readLine() throws IOException {
        release();
        return readLine(server.settings().maxLineLength());
    }

    /**
     * Reads message text up to its final "." line ({@link MessageText}: SMTP DATA), its content
     * going to {@code sink} in runs straight from this connection's buffer, with no copy per
     * line. Timed as lines are: the idle timeout while waiting for a line's first octet, the
     * command deadline from it to its CRLF (and {@link #beginData}'s bounds over the whole).
     *
     * @return false when the client closed between two lines
     * @throws ProtocolViolation on a bare CR or LF, or when the client closed inside a line
     */
    public boolean readMessageText(MessageText text, OutputStream sink) throws IOException {
        long lineDeadline = Long.MAX_VALUE;
        try {
            while (!text.ended()) {
                if (pos == limit) {
                    if (text.midLine()) {
                        armUntil(lineDeadline, "command");
                    } else {
                        Duration idle = server.settings().idleTimeout();
                        Duration preLogin = server.settings().preLoginIdleTimeout();
                        arm(engaged || preLogin.compareTo(idle) >= 0 ? idle : preLogin, "idle");
                    }
                    if (!fill()) {
                        if (text.midLine()) {
                            throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING,
                                    "connection closed inside a line");
                        }
                        return false;
                    }
                }
                boolean wasMidLine = text.midLine();
                long linesBefore = text.lines();
                pos += text.feed(buf, pos, limit - pos, sink);
                if (text.midLine() && (!wasMidLine || text.lines() != linesBefore)) {
                    // a line began in this load: its CRLF is due within the command deadline
                    lineDeadline = System.currentTimeMillis() + server.settings().commandDeadline().toMillis();
                }
                if (inflater != null && text.lineTooLong()) {
                    throw new ProtocolViolation(ProtocolViolation.Kind.INFLATION,
                            "line too long in a compressed session, closing");
                }
            }
            return true;
        } finally {
            disarm();
        }
    }

    /** As {@link #arm}, to a point in time already set (a line's deadline across buffer loads). */
    private void armUntil(long when, String kind) {
        if (timedOut) {
            return;
        }
        deadlineKind = kind;
        deadline = when;
    }

    /**
     * The session waits for a command or its client's answer, for as long as the client
     * likes: the buffers shrink if they hold nothing. Not for the lines of message text
     * ({@link #readLine(int)}), whose buffers stay large from one line to the next.
     */
    private void release() {
        if (pos == limit && buf.length > ElasticOutput.SMALL) {
            buf = new byte[ElasticOutput.SMALL];
            pos = 0;
            limit = 0;
            growNext = false;
        }
        framer.shrink();
        out.release();
    }

    /** Octets of buffer the connection holds now, read and reply (for tests). */
    int bufferBytes() {
        return buf.length + out.capacity();
    }

    /** {@link #readLine()} with another bound, for protocols whose data lines differ (SMTP DATA). */
    public byte[] readLine(int maxLength) throws IOException {
        return readLine(maxLength, false);
    }

    /**
     * @param midCommand the line continues a command after a literal: the command deadline
     *                   runs from the start, there is no idle wait
     */
    private byte[] readLine(int maxLength, boolean midCommand) throws IOException {
        return readLine(maxLength, midCommand, Wake.NEVER);
    }

    /** Whether a stop of the listener may end a wait for a line ({@link #wakeForStop()}). */
    private enum Wake {
        /** Message text, a SASL continuation: finished or timed out, never cut by a stop. */
        NEVER,
        /** The next command ({@link CommandLoop}): nothing else writes meanwhile. */
        COMMAND,
        /** A wait inside a command (IMAP IDLE's DONE), while another thread may write. */
        WAIT
    }

    private byte[] readLine(int maxLength, boolean midCommand, Wake wake) throws IOException {
        int waitState = wake == Wake.COMMAND ? AWAITING : WAITING;
        Duration idle = server.settings().idleTimeout();
        Duration preLogin = server.settings().preLoginIdleTimeout();
        if (midCommand) {
            arm(server.settings().commandDeadline(), "command");
        } else if (engaged || preLogin.compareTo(idle) >= 0) {
            arm(idle, "idle");
        } else {
            arm(preLogin, "idle before login");
        }
        framer.restart(maxLength);
        boolean awaiting = wake != Wake.NEVER && pos == limit && between.compareAndSet(BUSY, waitState);
        try {
            if (awaiting && server.stopping() && between.compareAndSet(waitState, SESSION_WRITES)) {
                return null; // the stop went past this session while it was still in its last command
            }
            while (!framer.complete()) {
                boolean filled;
                try {
                    filled = pos < limit || fill();
                } catch (IOException e) {
                    if (wokenForStop()) {
                        awaitStopsGoodbye();
                        return null;
                    }
                    throw e;
                }
                if (awaiting) {
                    awaiting = false;
                    if (!between.compareAndSet(waitState, BUSY)) {
                        pos = limit; // woken by the stop: what came meanwhile is a command not begun
                        awaitStopsGoodbye();
                        return null;
                    }
                }
                if (!filled) {
                    if (framer.started()) {
                        throw new ProtocolViolation(ProtocolViolation.Kind.BARE_LINE_ENDING,
                                "connection closed inside a line");
                    }
                    return null;
                }
                if (!framer.started() && !midCommand) {
                    arm(server.settings().commandDeadline(), "command");
                }
                pos += framer.feed(buf, pos, limit - pos);
                if (inflater != null && framer.tooLong()) {
                    // discarding the rest would inflate whatever a few octets of deflate stand for
                    throw new ProtocolViolation(ProtocolViolation.Kind.INFLATION,
                            "line longer than " + maxLength + " in a compressed session, closing");
                }
            }
            return framer.take();
        } finally {
            if (wake != Wake.NEVER) {
                between.compareAndSet(waitState, BUSY);
            }
            disarm();
        }
    }

    /**
     * The listener stops: a session blocked waiting for its next command (or in a wait such
     * as IMAP IDLE, or between frames) is woken now, instead of holding the stop (and the
     * port) for the whole grace period. Between commands no other thread writes, so the
     * goodbye is written from here, in one write, and the output shut (FIN, or TLS
     * close_notify), the input left open: a client that sends its next command meanwhile
     * still reads the goodbye instead of a reset (closing with its command unread would send
     * RST, and the client's write or read would fail first); the session, woken by the
     * client's close or its command, leaves the socket to this write until it is done, and the
     * listener closes it after {@link #WOKEN_LINGER_MILLIS}. Inside a wait, where another
     * thread may be writing, the input of the TCP connection is shut down, under TLS too (the
     * TLS layer takes the end of its input as the peer's close and keeps its output, TLS 1.3's
     * half-close), and the session says goodbye itself ({@link #wokenForStop()}).
     */
    void wakeForStop() {
        int state = between.get();
        if (state != AWAITING && state != WAITING) {
            return;
        }
        java.util.function.Supplier<String> bye = goodbye;
        boolean stopWrites = state == AWAITING && bye != null;
        if (!between.compareAndSet(state, stopWrites ? STOP_WRITES : SESSION_WRITES)) {
            return; // the session's command came first: it finishes it and says goodbye itself
        }
        wokenAt = System.currentTimeMillis();
        if (!stopWrites) {
            try {
                tcp.shutdownInput();
            } catch (IOException e) {
                closeSocket();
            }
            return;
        }
        try {
            out.writeNow((bye.get() + "\r\n").getBytes(StandardCharsets.UTF_8));
            shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            closeSocket();
        } finally {
            synchronized (between) {
                between.set(STOP_WROTE);
                between.notifyAll();
            }
        }
    }

    /**
     * The session was woken while the stop writes its goodbye: it waits for that write to
     * end before it returns, and the socket is closed, so the goodbye goes out whole. The
     * write is bounded by its write deadline, after which the watchdog closes the socket.
     */
    private void awaitStopsGoodbye() {
        synchronized (between) {
            boolean interrupted = false;
            while (between.get() == STOP_WRITES) {
                try {
                    between.wait(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After a goodbye the session wrote itself: the output is shut (FIN, or TLS close_notify)
     * and what the client still sends is read and dropped until it closes, for at most
     * {@link #WOKEN_LINGER_MILLIS} and {@link #GOODBYE_DRAIN} octets. Closed with the
     * client's next command unread (or arriving after the close), the socket would answer it
     * with a reset, and the client's next write, or its read of the goodbye, would fail.
     */
    void lingerAfterGoodbye() {
        try {
            out.flush();
            shutdownOutput();
        } catch (IOException | UnsupportedOperationException gone) {
            return; // closed by the client, or at the end of the linger
        }
        drainAfterGoodbye();
    }

    /**
     * After a goodbye whose output is shut already, its own ({@link #lingerAfterGoodbye()}) or
     * the stop's ({@link #goodbyeWritten()}): what the client still sends is read and dropped
     * until it closes, for at most {@link #WOKEN_LINGER_MILLIS} and {@link #GOODBYE_DRAIN}
     * octets, so that closing the socket answers no line of the client's with a reset.
     */
    void drainAfterGoodbye() {
        try {
            arm(Duration.ofMillis(WOKEN_LINGER_MILLIS), "goodbye");
            pos = limit;
            long left = GOODBYE_DRAIN;
            while (left > 0) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException | UnsupportedOperationException gone) {
            // closed by the client, or at the end of the linger: the session is over either way
        } finally {
            disarm();
        }
    }

    /** The most a client may send after the goodbye that is still read (and dropped). */
    static final int GOODBYE_DRAIN = 64 * 1024;

    /** How long a session told goodbye by a stop may take to leave before it is closed. */
    static final long WOKEN_LINGER_MILLIS = 2000;
    private volatile long wokenAt;

    /** True when a stop told this session goodbye more than {@link #WOKEN_LINGER_MILLIS} ago. */
    boolean wokenLongAgo(long now) {
        long w = wokenAt;
        return w != 0 && now - w > WOKEN_LINGER_MILLIS;
    }

    /** From the {@link CommandLoop}: its goodbye, which a stop may write for a TLS session that waits. */
    void goodbyeOnStop(java.util.function.Supplier<String> bye) {
        this.goodbye = bye;
    }

    /** True when the stop wrote the goodbye itself (see {@link #wakeForStop()}). */
    boolean goodbyeWritten() {
        int state = between.get();
        return state == STOP_WRITES || state == STOP_WROTE;
    }

    /** True when the session's read ended because the listener stopped while it waited for a command. */
    public boolean wokenForStop() {
        int state = between.get();
        return state == SESSION_WRITES || state == STOP_WRITES || state == STOP_WROTE;
    }

    /** Reads one line as UTF-8 text (invalid UTF-8 becomes U+FFFD, which parsers refuse). */
    public String readTextLine() throws IOException {
        return text(readLine());
    }

    /** The session's next command line, as {@link #readTextLine()}; a stop of the listener may end the wait. */
    String readCommandLine() throws IOException {
        release();
        return text(readLine(server.settings().maxLineLength(), false, Wake.COMMAND));
    }

    /**
     * A line the client sends after a wait of its own choosing inside a command (IMAP IDLE's
     * DONE), as {@link #readTextLine()}; a stop of the listener ends the wait: null, with
     * {@link #wokenForStop()} true, and the protocol says goodbye. Only the input is shut
     * down (or, under TLS, the connection closed): a thread writing meanwhile is not disturbed.
     */
    public String readWaitLine() throws IOException {
        release();
        return text(readLine(server.settings().maxLineLength(), false, Wake.WAIT));
    }

    /** The line that continues a command after its literal (see {@link #readLine(int, boolean)}). */
    String readContinuationLine() throws IOException {
        return text(readLine(server.settings().maxLineLength(), true));
    }

    private static String text(byte[] line) {
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (growNext) {
            buf = new byte[ElasticOutput.LARGE];
            growNext = false;
        }
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (IOException e) {
            if (timedOut) {
                throw new ProtocolViolation(ProtocolViolation.Kind.TIMEOUT, deadlineKind + " timeout");
            }
            throw e;
        }
        if (n <= 0) {
            if (timedOut) {
                throw new ProtocolViolation(ProtocolViolation.Kind.TIMEOUT, deadlineKind + " timeout");
            }
            return false;
        }
        pos = 0;
        limit = n;
        received += n;
        growNext = n == buf.length && buf.length < ElasticOutput.LARGE;
        return true;
    }

    /**
     * Copies exactly {@code n} bytes to {@code sink} (SMTP BDAT chunks), each buffer load
     * under the command deadline; {@code sink} may be null to discard.
     */
    public void readExact(long n, OutputStream sink) throws IOException {
        if (!copy(n, sink, "data", true)) {
            throw new IOException("connection closed inside a chunk");
        }
    }

    /**
     * Reads exactly {@code len} octets into {@code dst} (a binary protocol's frame header or
     * payload, whose length it has checked against its bound), the whole under the command
     * deadline; an IOException if the client closes first.
     */
    public void readExact(byte[] dst, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        int[] at = {off};
        OutputStream into = new OutputStream() {
            @Override
            public void write(int b) {
                dst[at[0]++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int o, int n) {
                System.arraycopy(b, o, dst, at[0], n);
                at[0] += n;
            }
        };
        if (!copy(len, into, "frame", false)) {
            throw new IOException("connection closed inside a frame");
        }
    }

    /**
     * Waits under the idle timeout (the shorter one before login) for the client's next
     * octet, without taking it: false when the client closed, or when the listener stops
     * meanwhile ({@link #wokenForStop()}: an idle link is not held for the grace period). A
     * binary protocol calls it between frames, then reads the frame under the command deadline.
     */
    public boolean awaitInput() throws IOException {
        Duration idle = server.settings().idleTimeout();
        Duration preLogin = server.settings().preLoginIdleTimeout();
        arm(engaged || preLogin.compareTo(idle) >= 0 ? idle : preLogin, engaged ? "idle" : "idle before login");
        if (pos < limit) {
            disarm();
            return true;
        }
        // a stop of the listener ends the wait, as the client's close would (wokenForStop tells which)
        boolean waiting = between.compareAndSet(BUSY, WAITING);
        try {
            if (waiting && server.stopping() && between.compareAndSet(WAITING, SESSION_WRITES)) {
                return false;
            }
            boolean filled;
            try {
                filled = fill();
            } catch (IOException e) {
                if (wokenForStop()) {
                    return false;
                }
                throw e;
            }
            if (waiting && !between.compareAndSet(WAITING, BUSY)) {
                pos = limit; // woken by the stop: a frame that came meanwhile was not begun; its sender sends it again
                return false;
            }
            return filled;
        } finally {
            if (waiting) {
                between.compareAndSet(WAITING, BUSY);
            }
            disarm();
        }
    }

    /** The TLS session (peer and local certificates), or null on a plain connection. */
    public javax.net.ssl.SSLSession tlsSession() {
        return socket instanceof SSLSocket ssl ? ssl.getSession() : null;
    }

    /**
     * Copies a literal of exactly {@code n} octets to {@code sink} (null discards), as
     * {@link CommandLoop} reads it; false if the client closed first. It is part of its
     * command: the whole of it under the command deadline, as a line is, unless message text
     * is being timed ({@link #beginData}), which bounds the whole by its deadline and rate and
     * leaves each buffer load under the command deadline, as BDAT chunks are.
     */
    boolean readLiteral(long n, OutputStream sink) throws IOException {
        return copy(n, sink, "literal", dataEnd != Long.MAX_VALUE);
    }

    /**
     * The one path that reads counted octets: BDAT chunks and literals.
     *
     * @param perLoad re-arm the command deadline for each buffer load, not once for the whole
     * @return false if the client closed before {@code n} octets came
     */
    private boolean copy(long n, OutputStream sink, String kind, boolean perLoad) throws IOException {
        long left = n;
        try {
            arm(server.settings().commandDeadline(), kind);
            while (left > 0) {
                if (perLoad) {
                    arm(server.settings().commandDeadline(), kind);
                }
                if (pos == limit && !fill()) {
                    return false;
                }
                int take = (int) Math.min(left, limit - pos);
                if (sink != null) {
                    sink.write(buf, pos, take);
                }
                pos += take;
                left -= take;
            }
            return true;
        } finally {
            disarm();
        }
    }

    /**
     * Waits up to {@code wait} and tells whether the client sent anything meanwhile: a
     * client that talks before the greeting is not a real mail client (pregreet check).
     */
    public boolean talksWithin(java.time.Duration wait) throws IOException {
        long deadline = System.currentTimeMillis() + wait.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (pos < limit || in.available() > 0) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return pos < limit || in.available() > 0;
    }

    /** Whether the client sent more bytes than the lines read so far (pipelining detection). */
    public boolean inputPending() {
        return pos < limit;
    }

    private void arm(Duration d, String kind) {
        if (timedOut) {
            return; // the watchdog's close stands, and so does the reason
        }
        deadlineKind = kind;
        deadline = System.currentTimeMillis() + d.toMillis();
    }

    private void disarm() {
        if (!timedOut) {
            deadline = Long.MAX_VALUE;
        }
    }

    /**
     * Called by the watchdog. At the deadline the input is shut down, so the blocked read
     * ends and the protocol can still send its timeout reply; a session that lingers five
     * seconds more is closed outright. TLS sockets cannot shut down one direction: closed.
     * Closes here are of the TCP socket only: this thread watches every session, and a TLS
     * close may wait for a record lock that a blocked write holds.
     */
    void checkDeadline(long now) {
        if (now >= writeDeadline && !writeTimedOut) {
            // A blocked write cannot be woken but by closing; under TLS the record layer
            // may hold its lock for the write, so the TCP socket beneath is closed.
            writeTimedOut = true;
            LOG.info("{} to {}: the client stopped reading for {}, closing", server.settings().name(),
                    remote.getAddress().getHostAddress(), server.settings().commandDeadline());
            closeTcp(); // the session's own close then closes the TLS socket, its write failed
            return;
        }
        if (now >= deadline && timedOut) {
            closeTcp();
            return;
        }
        if (timedOut) {
            return;
        }
        if (now >= dataEnd) {
            deadlineKind = "message text deadline";
        } else if (now >= dataRateFrom && (received - dataReceived) * 1000 < dataMinRate * (now - dataStart)) {
            deadlineKind = "message text rate";
        } else if (now < deadline) {
            return;
        }
        timedOut = true;
        deadline = now + 5000;
        try {
            if (socket instanceof SSLSocket) {
                closeTcp(); // a TLS close could wait for the record lock, and hold the watchdog
            } else {
                socket.shutdownInput();
            }
        } catch (IOException e) {
            closeTcp();
        }
    }

    /** Writes a reply line; CRLF is added. Buffered until {@link #flush()}. */
    public void reply(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write(CR);
        out.write(LF);
    }

    /** Writes raw bytes (message content already in wire form). */
    public void write(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
    }

    /** The buffered output stream, for streaming message content. */
    public OutputStream output() {
        return out;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Switches to TLS after the protocol said "go ahead". Refuses (and the session must
     * close) when plaintext arrived behind the command: that is the STARTTLS injection
     * attack (CVE-2011-0411), and those bytes must never be read as if they were encrypted.
     */
    public void startTls() throws IOException {
        if (inputPending()) {
            throw new ProtocolViolation(ProtocolViolation.Kind.PIPELINED_STARTTLS,
                    "plaintext pipelined after STARTTLS");
        }
        SSLContext ctx = server.tlsContext();
        if (ctx == null) {
            throw new IOException("no TLS certificate configured");
        }
        flush();
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, remote.getHostString(),
                remote.getPort(), true);
        ssl.setUseClientMode(false);
        server.handler().prepareTls(ssl);
        arm(server.settings().commandDeadline(), "TLS handshake");
        try {
            ssl.startHandshake();
        } finally {
            disarm();
        }
        socket = ssl;
        in = ssl.getInputStream();
        out = new ElasticOutput(timed(ssl.getOutputStream()));
        pos = 0;
        limit = 0;
        secure = true;
    }

    /**
     * Sends {@code okLine}, then compresses both directions (IMAP COMPRESS=DEFLATE, RFC 4978:
     * raw DEFLATE, every flush a sync flush). False, sending nothing, when {@code maxCompressed}
     * connections counted by {@code compressedNow} (the protocol's, over all its listeners) are
     * compressed already. Input already buffered after the command is compressed input and goes
     * through the inflater. An inflated literal is held to the plain limits; a line over the
     * limit ends the session, as discarding its rest would inflate without bound for little sent.
     */
    public boolean compress(String okLine, java.util.concurrent.atomic.AtomicInteger compressedNow, int maxCompressed)
            throws IOException {
        if (deflater != null) {
            throw new IllegalStateException("already compressed");
        }
        if (compressedNow.incrementAndGet() > maxCompressed) {
            compressedNow.decrementAndGet();
            return false;
        }
        compressions = compressedNow;
        inflater = new java.util.zip.Inflater(true);
        deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        reply(okLine);
        flush();
        InputStream raw = socket.getInputStream();
        if (pos < limit) {
            raw = new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream(java.util.Arrays.copyOfRange(buf, pos, limit)), raw);
        }
        in = new java.util.zip.InflaterInputStream(raw, inflater, 4096);
        out = new ElasticOutput(
                new java.util.zip.DeflaterOutputStream(timed(socket.getOutputStream()), deflater, 4096, true));
        pos = 0;
        limit = 0;
        return true;
    }

    /** Whether {@link #compress} is in effect. */
    public boolean compressed() {
        return deflater != null;
    }

    /** Handshake for implicit TLS, bounded by the command deadline. */
    void handshake() throws IOException {
        arm(server.settings().commandDeadline(), "TLS handshake");
        try {
            ((SSLSocket) socket).startHandshake();
        } finally {
            disarm();
        }
    }

    /**
     * Computes a password hash (the directory's check of a login) after this address's
     * penalty, if any, and in one of the bounded slots.
     *
     * @throws PasswordChecks.Busy when no slot came free in time: answer with a temporary failure
     */
    public <T> T checkPassword(java.util.function.Supplier<T> check) throws PasswordChecks.Busy {
        server.throttle().beforeCheck(remote.getAddress());
        return server.passwordChecks().run(check);
    }

    /** Sleeps before answering a failed login, as long as the throttle says for this address. */
    public void authFailed() {
        server.throttle().failed(remote.getAddress());
    }

    public void authSucceeded() {
        server.throttle().succeeded(remote.getAddress());
    }

    void close() {
        try {
            out.flush();
            if (socket instanceof SSLSocket ssl && !ssl.isOutputShutdown()) {
                // close_notify alone: a plain close under TLS 1.3 sends user_canceled first,
                // which GnuTLS clients report as a fatal alert
                shutdownOutput();
            }
        } catch (IOException ignored) {
            // the peer is gone
        }
        closeSocket();
        if (deflater != null) {
            deflater.end();
            inflater.end();
            deflater = null;
            compressions.decrementAndGet();
        }
    }

    /**
     * Closes the connection. The TCP socket goes first: closing a TLS socket takes its record
     * lock, which a write blocked on a client that reads nothing holds (until the write
     * deadline, minutes); with the TCP socket closed beneath, that write fails at once and
     * lets go of it.
     */
    void closeSocket() {
        closeTcp();
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** Closes the TCP connection only, never waiting: what the watchdog, shared by all sessions, does. */
    private void closeTcp() {
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * Shuts the output (FIN, or TLS close_notify) under the write deadline: the close_notify
     * is a write, and blocks on a client that reads nothing.
     */
    private void shutdownOutput() throws IOException {
        armWrite();
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw writeFailure(e);
        } finally {
            writeDeadline = Long.MAX_VALUE;
        }
    }
}
