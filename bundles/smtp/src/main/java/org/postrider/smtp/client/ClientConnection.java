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
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** One SMTP client connection to a next hop: replies, EHLO keywords, opportunistic STARTTLS. */
final class ClientConnection implements AutoCloseable {
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String host;
    private final Set<String> extensions = new HashSet<>();
    private boolean secure;

    ClientConnection(InetAddress address, int port, String host, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        this.host = host;
        socket = new Socket();
        socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
    }

    String host() {
        return host;
    }

    boolean secure() {
        return secure;
    }

    boolean has(String extension) {
        return extensions.contains(extension);
    }

    void send(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    OutputStream output() {
        return out;
    }

    void flush() throws IOException {
        out.flush();
    }

    Reply command(String command) throws IOException {
        send(command);
        flush();
        return read();
    }

    /** Reads one (multi-line) reply, bounded in lines and length. */
    Reply read() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
            String line = line();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("malformed reply from " + host + ": " + line);
            }
            int code = Integer.parseInt(line.substring(0, 3));
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
            if (!more) {
                return new Reply(code, text.toString());
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
            String[] parts = r.text().split(" ");
            // the first word is the server's name; keywords follow, one per reply line
            for (String p : parts) {
                extensions.add(p.toUpperCase(Locale.ROOT));
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

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // done with it
        }
    }
}
