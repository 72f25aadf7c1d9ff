package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
                if (line.startsWith("LOGIN ")) {
                    c.reply(c.login(line.substring(6)) ? "OK logged in" : "NO");
                    c.flush();
                    continue;
                }
                if (line.equals("TEXT")) { // then lines until ".": 2 s for all, 100 octets/s after 300 ms
                    c.beginData(Duration.ofSeconds(2), 100, Duration.ofMillis(300));
                    c.reply("GO TEXT");
                    c.flush();
                    continue;
                }
                if (line.equals(".")) {
                    c.endData();
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
        return start(new ListenerSettings("echo", "ECHO", new InetSocketAddress("127.0.0.1", 0), tls, 10, 2,
                2, 100, Duration.ofMillis(1200), Duration.ofMillis(1200), Duration.ofMillis(800), Duration.ofMillis(10)));
    }

    private LineServer start(ListenerSettings s) throws Exception {
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
    void beforeLoginTheShorterIdleTimeoutAppliesAndAfterItTheUsualOne() throws Exception {
        start(new ListenerSettings("echo", "ECHO", new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE, 10, 2, 2,
                100, Duration.ofMillis(3000), Duration.ofMillis(400), Duration.ofMillis(1200), Duration.ofMillis(800),
                Duration.ofMillis(10), 1, Duration.ofSeconds(1)));
        // the user logs in first: the 400 ms before login is its own limit too, and must not
        // run while the test waits for the anonymous client's timeout
        try (Client user = connect()) {
            assertEquals("READY", user.line());
            user.send("LOGIN alice\r\n");
            assertEquals("OK logged in", user.line());
            long loggedIn = System.nanoTime();
            try (Client anonymous = connect()) {
                long t = System.nanoTime();
                assertEquals("READY", anonymous.line());
                assertEquals("ERR TIMEOUT", anonymous.line());
                assertNull(anonymous.line());
                assertTrue(System.nanoTime() - t < 2_000_000_000L, "closed after the 400 ms before login");
            }
            Thread.sleep(Math.max(0, 1_500 - (System.nanoTime() - loggedIn) / 1_000_000));
            user.send("NOOP\r\n");
            assertEquals("OK NOOP", user.line(), "logged in: the 3 s idle timeout");
        }
    }

    /** Sends {@code line} every 150 ms, reading each answer, until the server cuts; returns when. */
    private static long trickleUntilCut(Client c, String line) throws Exception {
        c.send("TEXT\r\n");
        assertEquals("GO TEXT", c.line());
        long t = System.nanoTime();
        for (int i = 0; i < 40; i++) { // 6 s if never cut
            try {
                c.send(line + "\r\n");
            } catch (IOException cut) {
                // the answer is waiting
            }
            String answer = c.line();
            if (!("OK " + line).equals(answer)) {
                assertEquals("ERR TIMEOUT", answer);
                return (System.nanoTime() - t) / 1_000_000;
            }
            Thread.sleep(150);
        }
        throw new AssertionError("never cut");
    }

    @Test
    void messageTextBelowTheMinimumRateIsCutAfterTheGracePeriod() throws Exception {
        start(TlsMode.NONE);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            long ms = trickleUntilCut(c, "abc"); // 5 octets every 150 ms: ~33 a second, under 100
            assertTrue(ms >= 250 && ms < 1_500, "cut once the 300 ms grace was over: " + ms);
        }
    }

    @Test
    void messageTextFastEnoughIsCutAtTheDeadlineForTheWhole() throws Exception {
        start(TlsMode.NONE);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            long ms = trickleUntilCut(c, "x".repeat(40)); // ~280 octets a second, over the minimum
            assertTrue(ms >= 1_800 && ms < 4_000, "cut at the 2 s deadline: " + ms);
        }
    }

    @Test
    void aTricklingClientCannotHoldTheSessionPastTheCommandDeadline() throws Exception {
        start(TlsMode.NONE);
        try (Client c = connect()) {
            assertEquals("READY", c.line());
            long t = System.nanoTime();
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 40; i++) { // 40 bytes, one each 250 ms, never a CRLF: 10 s if allowed
                    c.send("x");
                    Thread.sleep(250);
                }
            });
            // the 1.2 s deadline, then a write or two until the client sees the close; 10 s if each read reset it
            assertTrue(System.nanoTime() - t < 6_000_000_000L, "the deadline must cut the command, not each read");
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
    void refusedConnectionsDoNotCountAgainstTheServedOnes() throws Exception {
        // three sessions in all, two from one address: a flood refused from 127.0.0.1 leaves the third place free
        start(new ListenerSettings("echo", "ECHO", new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE, 3, 2, 2, 100,
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(800), Duration.ofMillis(10)));
        List<Client> refused = new ArrayList<>();
        try (Client a = connect(); Client b = connect()) {
            assertEquals("READY", a.line());
            assertEquals("READY", b.line());
            for (int i = 0; i < 30; i++) {
                refused.add(connect());
            }
            try (Client other = new Client(new Socket(InetAddress.getByName("127.0.0.1"), server.address().getPort(),
                    InetAddress.getByName("127.0.0.2"), 0))) {
                assertEquals("READY", other.line(), "the third place is free: the refused took none");
            }
            for (Client r : refused) {
                assertEquals("BUSY too many connections from your address", r.line());
            }
        } finally {
            for (Client r : refused) {
                r.close();
            }
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
