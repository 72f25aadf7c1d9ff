package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session waiting for its client's next command holds small buffers, whatever it read and
 * wrote before: 10,000 idle IMAP sessions must not hold 32 KiB of buffers each. Pipelined
 * commands and large replies around the shrinking still arrive whole and in order.
 */
class IdleBuffersTest {
    @TempDir
    static Path tlsDir;

    private LineServer server;
    private final BlockingQueue<Connection> sessions = new LinkedBlockingQueue<>();

    /** N: N lines of 200 octets back; anything else: "OK " and the line's length. */
    private final SessionHandler handler = new SessionHandler() {
        @Override
        public void serve(Connection c) throws IOException {
            sessions.add(c);
            c.reply("READY");
            c.flush();
            String line;
            while ((line = c.readCommandLine()) != null) { // as CommandLoop reads: every protocol's wait
                if (line.matches("\\d+")) {
                    String text = "x".repeat(200);
                    for (int i = Integer.parseInt(line); i > 0; i--) {
                        c.reply(text);
                    }
                    c.reply("END");
                } else {
                    c.reply("OK " + line.length());
                }
                if (!c.inputPending()) {
                    c.flush();
                }
            }
        }

        @Override
        public String refusal(String reason) {
            return "BUSY";
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static int waitForSmall(Connection c) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int held = c.bufferBytes();
        while (held > 2 * ElasticOutput.SMALL && System.nanoTime() < until) {
            Thread.sleep(10);
            held = c.bufferBytes();
        }
        return held;
    }

    @Test
    void aSessionWaitingForItsClientHoldsSmallBuffersAfterBulkInAndOut() throws Exception {
        server = new LineServer(new ListenerSettings("t", "T", new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE, 10,
                5, 5, 4096, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMillis(10)),
                handler, TlsCertificates.of("", "", "", "", tlsDir, "localhost"));
        server.start();
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertEquals("READY", in.readLine());
            Connection c = sessions.poll(5, TimeUnit.SECONDS);

            // 400 pipelined commands in one write (some 280 KiB): the read buffer grows
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                burst.append("c".repeat(700 + i)).append("\r\n");
            }
            out.write(burst.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 400; i++) {
                assertEquals("OK " + (700 + i), in.readLine(), "reply " + i);
            }
            int afterBulkIn = waitForSmall(c);

            // a reply of 400 KiB: the reply buffer grows
            out.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 2000; i++) {
                assertEquals(200, in.readLine().length());
            }
            assertEquals("END", in.readLine());
            int afterBulkOut = waitForSmall(c);

            assertTrue(afterBulkIn <= 2 * ElasticOutput.SMALL, "waiting after bulk input, buffers of " + afterBulkIn);
            assertTrue(afterBulkOut <= 2 * ElasticOutput.SMALL, "waiting after a large reply, buffers of " + afterBulkOut);
            out.write("again\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("OK 5", in.readLine());
        }
    }
}
