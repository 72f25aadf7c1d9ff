package org.postrider.smtp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.postrider.lineserver.DotStuffing;

/**
 * One SMTP client connection to a next hop: replies, EHLO keywords, opportunistic STARTTLS.
 * Every stage runs under a deadline for the whole stage (a whole reply, a TLS handshake, a
 * block of message text) and the attempt under its cap; a watchdog closes the socket when
 * one passes, which ends a blocked read or write alike.
 */
final class ClientConnection implements AutoCloseable {
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;
    /** Open connections, watched by the watchdog; guarded by itself. */
    private static final Set<ClientConnection> LIVE = new HashSet<>();
    /**
     * The watchdog's thread runs only while a connection is open and ends a second after the
     * last closes: a static thread that never ended would hold this bundle's class loader
     * after each refresh.
     */
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "smtp-out-deadlines");
        t.setDaemon(true);
        return t;
    });
    /** The periodic check while LIVE is not empty; guarded by LIVE. */
    private static ScheduledFuture<?> watching;

    static {
        WATCHDOG.setKeepAliveTime(1, TimeUnit.SECONDS);
        WATCHDOG.allowCoreThreadTimeOut(true);
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    private static void watch(ClientConnection c) {
        synchronized (LIVE) {
            LIVE.add(c);
            if (watching == null) {
                watching = WATCHDOG.scheduleAtFixedRate(ClientConnection::checkAll, 100, 100, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static void unwatch(ClientConnection c) {
        synchronized (LIVE) {
            if (LIVE.remove(c) && LIVE.isEmpty() && watching != null) {
                watching.cancel(false);
                watching = null;
            }
        }
    }

    private static void checkAll() {
        List<ClientConnection> open;
        synchronized (LIVE) {
            open = List.copyOf(LIVE);
        }
        long now = System.nanoTime();
        open.forEach(c -> c.checkDeadline(now));
    }

    /** The TCP socket under any TLS layer: closing it never waits for a lock, as closing TLS may. */
    private final Socket plain;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final Deadlines deadlines;
    private volatile long stageEnd = Long.MAX_VALUE;
    private volatile long armedAt;
    private volatile long attemptEnd = Long.MAX_VALUE;
    private volatile Deadlines.Stage stage = Deadlines.Stage.GREETING;
    private volatile String expired;
    /** Guards the deadlines against the watchdog's check, so it acts on current ones only. */
    private final Object deadlineLock = new Object();
    private final String host;
    private final String where;
    private final InetAddress address;
    private final int port;
    private final Set<String> extensions = new HashSet<>();
    private boolean secure;
    private boolean broken;
    private int transactions;

    /** Connects; the attempt's cap starts now. */
    ClientConnection(InetAddress address, int port, String host, Duration connectTimeout, Deadlines deadlines)
            throws IOException {
        this.host = host;
        this.where = host + "[" + address.getHostAddress() + "]";
        this.address = address;
        this.port = port;
        this.deadlines = deadlines;
        plain = new Socket();
        socket = plain;
        beginAttempt();
        watch(this);
        try {
            plain.connect(new InetSocketAddress(address, port), (int) Math.max(1, connectTimeout.toMillis()));
        } catch (IOException e) {
            close();
            throw e;
        }
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** Starts the cap of a delivery attempt (a new session, or a cached one taken for a message). */
    void beginAttempt() {
        synchronized (deadlineLock) {
            attemptEnd = System.nanoTime() + deadlines.attempt().toNanos();
        }
    }

    /** The attempt is over (the session goes idle into the cache). */
    void endAttempt() {
        synchronized (deadlineLock) {
            attemptEnd = Long.MAX_VALUE;
        }
    }

    /**
     * Starts a stage under its deadline. The attempt's cap bounds the dialogue only: from the
     * first block of message text on, the per-block and end-of-message deadlines govern, so a
     * hop that has taken the whole message is never hung up on while it answers (the message
     * would go again: a duplicate), and a large message is not cut for its size.
     */
    private void arm(Deadlines.Stage s, Duration d) {
        synchronized (deadlineLock) {
            if (s == Deadlines.Stage.DATA_BLOCK || s == Deadlines.Stage.DATA_DONE) {
                attemptEnd = Long.MAX_VALUE;
            }
            stage = s;
            armedAt = System.nanoTime();
            stageEnd = armedAt + d.toNanos();
        }
    }

    private void disarm() {
        synchronized (deadlineLock) {
            stageEnd = Long.MAX_VALUE;
        }
    }

    /**
     * Called by the watchdog: past a deadline, the socket is closed under the blocked call.
     * Deciding and closing under the lock that arm, disarm and the attempt's end take, the
     * watchdog never closes on a deadline the session has already left behind (a stage
     * finished, or the session handed back to the cache and taken by another delivery).
     */
    private void checkDeadline(long now) {
        synchronized (deadlineLock) {
            long stageAt = stageEnd;
            long attemptAt = attemptEnd;
            boolean stageOver = stageAt != Long.MAX_VALUE && now - stageAt >= 0;
            boolean attemptOver = attemptAt != Long.MAX_VALUE && now - attemptAt >= 0;
            if (expired != null || !(stageOver || attemptOver)) {
                return;
            }
            Deadlines.Stage s = stage;
            expired = attemptOver ? "the delivery attempt took longer than " + describe(deadlines.attempt())
                    + " (at " + s.label + ")" : s == Deadlines.Stage.DATA_BLOCK ? "message text not taken within "
                    + describe(deadlines.dataBlock()) : "no complete " + s.label + " reply within "
                    + describe(Duration.ofNanos(stageAt - armedAt));
            closeQuietly(plain); // a TCP close does not block: fine under the lock
        }
    }

    /** True once the watchdog closed the session on a deadline: it is not kept for reuse. */
    boolean expired() {
        return expired != null;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The failure as the caller should see it: a {@link DeadlineExceeded} if the watchdog closed the socket. */
    private IOException failure(IOException e) {
        broken = true;
        String why = expired;
        return why == null || e instanceof DeadlineExceeded ? e : new DeadlineExceeded(where + ": " + why);
    }

    /** A stage of the session did not finish by its deadline. */
    static final class DeadlineExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        DeadlineExceeded(String message) {
            super(message);
        }
    }

    String host() {
        return host;
    }

    InetAddress address() {
        return address;
    }

    int port() {
        return port;
    }

    /** host[address], as DSNs and logs name the hop. */
    String where() {
        return where;
    }

    /** Counts a finished mail transaction; returns how many this connection has carried. */
    int transactionDone() {
        return ++transactions;
    }

    boolean secure() {
        return secure;
    }

    boolean has(String extension) {
        return extensions.contains(extension);
    }

    /** True once a read or write failed: the session's state is unknown, so it is not reused. */
    boolean broken() {
        return broken;
    }

    /** Queues a command line; {@link #flush} sends it, under the deadline of the stage whose reply comes next. */
    void send(String command) throws IOException {
        try {
            out.write(command.getBytes(StandardCharsets.UTF_8));
            out.write('\r');
            out.write('\n');
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * Sends the message text dot-stuffed, with the closing dot: each block written to the
     * socket under the data-block deadline, so a hop that stops reading cannot stall us.
     */
    void sendMessage(InputStream message) throws IOException {
        OutputStream raw = socket.getOutputStream();
        OutputStream blocks = new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                arm(Deadlines.Stage.DATA_BLOCK, deadlines.dataBlock());
                raw.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                raw.flush();
            }
        }, 16 * 1024);
        try {
            out.flush(); // nothing should be waiting, but order is order
            DotStuffing.write(message, blocks, -1);
            blocks.flush();
        } catch (IOException e) {
            throw failure(e);
        } finally {
            disarm();
        }
    }

    /** Sends what is queued; the stage names the reply awaited, whose deadline starts now. */
    void flush(Deadlines.Stage s) throws IOException {
        arm(s, deadlines.of(s));
        try {
            out.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    Reply command(String command, Deadlines.Stage s) throws IOException {
        send(command);
        flush(s);
        return read(s);
    }

    /** A command whose reply may take no longer than wait (RSET, QUIT of a cached session). */
    Reply command(String command, Deadlines.Stage s, Duration wait) throws IOException {
        send(command);
        arm(s, wait);
        try {
            out.flush();
        } catch (IOException e) {
            throw failure(e);
        }
        return read(s, wait);
    }

    /**
     * Reads one (multi-line) reply, bounded in lines and length; the whole reply must arrive
     * within the stage's deadline, counted from the command (or from this call, if none was sent).
     */
    Reply read(Deadlines.Stage s) throws IOException {
        return read(s, deadlines.of(s));
    }

    private Reply read(Deadlines.Stage s, Duration d) throws IOException {
        if (stage != s || stageEnd == Long.MAX_VALUE) {
            arm(s, d);
        }
        try {
            return readReply();
        } catch (IOException e) {
            throw failure(e);
        } finally {
            disarm();
        }
    }

    private Reply readReply() throws IOException {
        List<String> texts = new ArrayList<>();
        for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
            String line = line();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("malformed reply from " + host + ": " + line);
            }
            int code = Integer.parseInt(line.substring(0, 3));
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            texts.add(line.length() > 4 ? line.substring(4) : "");
            if (!more) {
                return new Reply(code, texts);
            }
        }
        throw new IOException("reply from " + host + " too long");
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r' && b.size() < MAX_REPLY_LINE) {
                b.write(c);
            }
        }
        if (c < 0) {
            throw new IOException(host + " closed the connection");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    Reply ehlo(String name) throws IOException {
        extensions.clear();
        Reply r = command("EHLO " + name, Deadlines.Stage.HELO);
        if (r.positive()) {
            // the first line greets; each further line starts with a keyword, then its parameters
            for (String line : r.lines().subList(1, r.lines().size())) {
                extensions.add(line.split(" ", 2)[0].toUpperCase(Locale.ROOT));
            }
        }
        return r;
    }

    /**
     * Upgrades with STARTTLS. Opportunistic TLS does not verify the certificate (RFC 7435):
     * encryption against passive listeners, which plaintext would not give either.
     */
    void startTls() throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
            ssl.setUseClientMode(true);
            arm(Deadlines.Stage.STARTTLS, deadlines.helo());
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                throw failure(e);
            } finally {
                disarm();
            }
            socket = ssl;
            in = new BufferedInputStream(ssl.getInputStream());
            out = new BufferedOutputStream(ssl.getOutputStream());
            secure = true;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }

    /** Says goodbye without waiting long for the answer, then closes. */
    void quit(Duration wait) {
        try {
            command("QUIT", Deadlines.Stage.QUIT, wait);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        unwatch(this);
        // The plain socket first: closing TLS may block sending close_notify, and no longer watched,
        // nothing would end that; the TLS layer's close then finds the socket closed and returns.
        closeQuietly(plain);
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // done with it
        }
    }
}
