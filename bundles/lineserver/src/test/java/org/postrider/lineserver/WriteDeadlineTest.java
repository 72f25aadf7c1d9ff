package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading cannot hold the thread writing to it: each load of a reply must
 * be taken within the command deadline (800 ms here), or the connection is closed and the
 * write fails; a client that reads slowly but steadily gets everything.
 */
class WriteDeadlineTest {
    private static final int FLOOD = 32 << 20;

    @TempDir
    static Path tlsDir;

    private LineServer server;
    /** How each session's flood ended: "sent", or the exception's class and message. */
    private final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

    private final SessionHandler flooder = new SessionHandler() {
        @Override
        public void serve(Connection c) throws IOException {
            c.reply("READY");
            c.flush();
            String line = c.readTextLine();
            int size = line == null ? 0 : Integer.parseInt(line.substring("FLOOD ".length()));
            byte[] load = new byte[64 * 1024];
            try {
                for (int sent = 0; sent < size; sent += load.length) {
                    c.write(load, 0, load.length);
                }
                c.flush();
                outcomes.add("sent");
            } catch (IOException e) {
                outcomes.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                throw e;
            }
        }

        @Override
        public String refusal(String reason) {
            return "BUSY";
        }
    };

    private void start(TlsMode tls) throws Exception {
        server = new LineServer(new ListenerSettings("flood", "FLOOD", new InetSocketAddress("127.0.0.1", 0), tls, 10,
                5, 5, 100, Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofMillis(500), Duration.ofMillis(10)),
                flooder, TlsCertificates.of("", "", "", "", tlsDir, "localhost"));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Socket connect(boolean tls) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connecting: the window the server sees
        s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
        if (tls) {
            SSLSocket ssl = (SSLSocket) LineServerTest.trustAll().getSocketFactory().createSocket(s, "localhost",
                    s.getPort(), true);
            ssl.startHandshake();
            s = ssl;
        }
        s.setSoTimeout(10_000);
        return s;
    }

    private static void readReady(InputStream in) throws IOException {
        byte[] ready = new byte["READY\r\n".length()];
        int n = 0;
        while (n < ready.length) {
            n += Math.max(0, in.read(ready, n, ready.length - n));
        }
        assertEquals("READY\r\n", new String(ready, StandardCharsets.US_ASCII));
    }

    private void aClientThatStopsReadingIsClosed(boolean tls) throws Exception {
        start(tls ? TlsMode.IMPLICIT : TlsMode.NONE);
        try (Socket s = connect(tls)) {
            readReady(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(("FLOOD " + FLOOD + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            String outcome = outcomes.poll(15, TimeUnit.SECONDS);
            assertNotNull(outcome, "the server's write still blocked 15 s after the client stopped reading");
            assertTrue(outcome.contains("write timeout"), outcome);
            assertTrue(System.nanoTime() - start < 10_000_000_000L);
            long deadline = System.currentTimeMillis() + 10_000;
            while (server.activeConnections() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.activeConnections(), "the connection is gone");
        }
    }

    @Test
    void aPlainClientThatStopsReadingIsClosed() throws Exception {
        aClientThatStopsReadingIsClosed(false);
    }

    @Test
    void aTlsClientThatStopsReadingIsClosed() throws Exception {
        aClientThatStopsReadingIsClosed(true);
    }

    @Test
    void aClientThatReadsSlowlyGetsEverything() throws Exception {
        start(TlsMode.NONE);
        int size = 2 << 20;
        try (Socket s = connect(false)) {
            InputStream in = s.getInputStream();
            readReady(in);
            s.getOutputStream().write(("FLOOD " + size + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            while (got < size) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                if ((got + n) / buf.length != got / buf.length) {
                    Thread.sleep(100); // 640 KiB a second: the whole takes 4 deadlines, each load far less than one
                }
                got += n;
            }
            assertEquals(size, got);
            assertEquals("sent", outcomes.poll(5, TimeUnit.SECONDS));
        }
    }
}
