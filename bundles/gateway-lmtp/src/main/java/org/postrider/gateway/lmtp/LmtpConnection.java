package org.postrider.gateway.lmtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One LMTP connection: bounded reply lines read through {@link ReplyParser}, commands
 * written as lines, message text dot-stuffed. Each read waits at most the read timeout, and
 * the whole connection lives at most its deadline: then the socket is closed, which also
 * ends a write a stalled server no longer takes.
 */
final class LmtpConnection implements Closeable {
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lmtp-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ReplyParser parser = new ReplyParser();
    private final ScheduledFuture<?> deadline;

    LmtpConnection(String host, int port, Duration connectTimeout, Duration readTimeout, Duration deadline)
            throws IOException {
        this.socket = new Socket();
        this.deadline = DEADLINES.schedule(this::closeQuietly, deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Sends one command line and reads its reply. */
    Reply command(String line) throws IOException, ReplyParser.ProtocolException {
        send(line);
        flush();
        return read();
    }

    void send(String line) throws IOException {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a command line cannot hold CR or LF");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        out.flush();
    }

    Reply read() throws IOException, ReplyParser.ProtocolException {
        while (true) {
            Reply r = parser.feed(readLine());
            if (r != null) {
                return r;
            }
        }
    }

    /** Copies the message text, dot-stuffed, and ends it with CRLF "." CRLF. */
    void sendText(InputStream text) throws IOException {
        DotStuffer stuffer = new DotStuffer(out);
        text.transferTo(stuffer);
        stuffer.finish();
        out.flush();
    }

    private String readLine() throws IOException, ReplyParser.ProtocolException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the LMTP server closed the connection");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (line.size() > ReplyParser.MAX_LINE) {
                throw new ReplyParser.ProtocolException("reply line longer than " + ReplyParser.MAX_LINE);
            }
            line.write(b);
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void close() {
        deadline.cancel(false);
        closeQuietly();
    }
}
