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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.postrider.lineserver.DotStuffing;

/** One SMTP client connection to a next hop: replies, EHLO keywords, opportunistic STARTTLS. */
final class ClientConnection implements AutoCloseable {
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String host;
    private final String where;
    private final InetAddress address;
    private final int port;
    private final Set<String> extensions = new HashSet<>();
    private boolean secure;
    private boolean broken;
    private int transactions;

    ClientConnection(InetAddress address, int port, String host, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        this.host = host;
        this.where = host + "[" + address.getHostAddress() + "]";
        this.address = address;
        this.port = port;
        socket = new Socket();
        socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
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

    void send(String command) throws IOException {
        try {
            out.write(command.getBytes(StandardCharsets.UTF_8));
            out.write('\r');
            out.write('\n');
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    /** Sends the message text dot-stuffed, with the closing dot, and flushes. */
    void sendMessage(InputStream message) throws IOException {
        try {
            DotStuffing.write(message, out, -1);
            out.flush();
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    Reply command(String command) throws IOException {
        send(command);
        flush();
        return read();
    }

    /** A command whose reply may take no longer than wait (RSET, QUIT), whatever the usual reply timeout. */
    Reply command(String command, Duration wait) throws IOException {
        int usual = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            return command(command);
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(usual);
            }
        }
    }

    /** Reads one (multi-line) reply, bounded in lines and length. */
    Reply read() throws IOException {
        try {
            return readReply();
        } catch (IOException e) {
            broken = true;
            throw e;
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
        Reply r = command("EHLO " + name);
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
            ssl.startHandshake();
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
            command("QUIT", wait);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // done with it
        }
    }
}
