package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineServerTest {
    @TempDir
    static Path tlsDir;

    private LineServer server;

    /** A minimal protocol: OK LINE for each line, STARTTLS, QUIT, errors named after the violation. */
    static final SessionHandler ECHO = new SessionHandler() {
        @Override
        public void serve(Connection c) throws IOException {
            c.reply("READY");
            c.flush();
            while (true) {
                String line;
                try {
                    line = c.readTextLine();
                } catch (ProtocolViolation v) {
                    c.reply("ERR " + v.kind());
                    c.flush();
                    if (v.fatal()) {
                        return;
                    }
                    continue;
                }
                if (line == null || line.equals("QUIT")) {
                    return;
                }
                if (line.equals("STARTTLS")) {
                    c.reply("GO");
                    c.flush();
                    try {
                        c.startTls();
                    } catch (ProtocolViolation v) {
                        return; // injected plaintext: drop without reading it
                    }
                    continue;
                }
                c.reply("OK " + line + (c.secure() ? " (tls)" : ""));
                c.flush();
            }
        }

        @Override
        public String refusal(String reason) {
            return "BUSY " + reason;
        }
    };

    private LineServer start(TlsMode tls) throws Exception {
        ListenerSettings s = new ListenerSettings("echo", "ECHO", new InetSocketAddress("127.0.0.1", 0), tls, 10, 2,
                2, 100, Duration.ofMillis(1200), Duration.ofMillis(1200), Duration.ofMillis(800), Duration.ofMillis(10));
        server = new LineServer(s, ECHO, TlsCertificates.of("", "", "", "", tlsDir, "localhost"));
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** A test client over a plain or TLS socket. */
    static final class Client implements AutoCloseable {
        Socket socket;
        BufferedReader in;
        OutputStream out;

        Client(Socket s) throws IOException {
            attach(s);
        }

        void attach(Socket s) throws IOException {
            socket = s;
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out = s.getOutputStream();
        }

        void send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String line() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Client connect() throws IOException {
        return new Client(new Socket("127.0.0.1", server.address().getPort()));
    }

    static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    @Test
    void linesEndOnlyAtCrlfAndLongLinesAreRefusedWithoutEndingTheSession() throws Exception {
        start(TlsMode.NONE);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            c.send("HELLO\r\nTWO\r\n");
            assertEquals("OK HELLO", c.line());
            assertEquals("OK TWO", c.line());
            c.send("x".repeat(5000) + "\r\nPING\r\n");
            assertEquals("ERR LINE_TOO_LONG", c.line());
            assertEquals("OK PING", c.line());
        }
    }

    @Test
    void bareLineFeedsAndCarriageReturnsEndTheSession() throws Exception {
        start(TlsMode.NONE);
        for (String attack : new String[] {"A\nQUIT\r\n", "A\rB\r\n", "DATA\r\n.\n", "X\r\r\n"}) {
            try (Client c = connect()) {
                assertEquals("READY", c.line());
                c.send(attack);
                String reply = c.line();
                while (reply != null && reply.startsWith("OK")) {
                    reply = c.line();
                }
                assertEquals("ERR BARE_LINE_ENDING", reply, attack);
                assertNull(c.line(), "closed after " + attack.replace("\r", "\\r").replace("\n", "\\n"));
            }
        }
    }

    @Test
    void anIdleClientIsDisconnected() throws Exception {
        start(TlsMode.NONE);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            long t = System.nanoTime();
            assertEquals("ERR TIMEOUT", c.line());
            assertNull(c.line());
            assertTrue(System.nanoTime() - t < 4_000_000_000L);
        }
    }

    @Test
    void aTricklingClientCannotHoldTheSessionPastTheCommandDeadline() throws Exception {
        start(TlsMode.NONE);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            long t = System.nanoTime();
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 40; i++) { // 40 bytes, one each 100 ms, never a CRLF: 4 s if allowed
                    c.send("x");
                    Thread.sleep(100);
                }
            });
            assertTrue(System.nanoTime() - t < 3_500_000_000L, "the deadline must cut the command, not each read");
        }
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        start(TlsMode.NONE);
        try (Client a = connect(); Client b = connect(); Client third = connect()) {
            assertEquals("READY", a.line());
            assertEquals("READY", b.line());
            assertEquals("BUSY too many connections from your address", third.line());
            assertNull(third.line());
            assertEquals(2, server.activeConnections());
        }
    }

    @Test
    void plaintextPipelinedBehindStartTlsIsNeverExecuted() throws Exception {
        start(TlsMode.STARTTLS);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            c.send("STARTTLS\r\nINJECTED\r\n");
            assertEquals("GO", c.line());
            String next = c.line();
            assertNull(next, "the session must be dropped, not answer " + next);
        }
    }

    @Test
    void startTlsUpgradesAndImplicitTlsWorks() throws Exception {
        start(TlsMode.STARTTLS);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            c.send("STARTTLS\r\n");
            assertEquals("GO", c.line());
            SSLSocket ssl = (SSLSocket) trustAll().getSocketFactory().createSocket(c.socket, "localhost",
                    c.socket.getPort(), true);
            ssl.startHandshake();
            c.attach(ssl);
            c.send("SECRET\r\n");
            assertEquals("OK SECRET (tls)", c.line());
        }
        server.stop();
        start(TlsMode.IMPLICIT);
        SSLSocket ssl = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.address().getPort());
        try (Client c = new Client(ssl)) {
            assertEquals("READY", c.line());
            c.send("HI\r\n");
            assertEquals("OK HI (tls)", c.line());
        }
    }

    @Test
    void stopReleasesThePortAndEndsSessionsAfterTheGracePeriod() throws Exception {
        start(TlsMode.NONE);
        int port = server.address().getPort();
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            long t = System.nanoTime();
            server.stop();
            assertTrue(System.nanoTime() - t < 3_000_000_000L);
            assertNull(c.line());
        }
        server = null;
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
