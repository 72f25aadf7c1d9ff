package org.postrider.smtp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each stage is a deadline for the whole stage: a hop that sends one byte at a time, or stops
 * reading, is broken off when the stage's time is up, not kept while bytes trickle.
 */
class ClientConnectionDeadlinesTest {
    private static final Duration STAGE = Duration.ofMillis(600);
    private final ServerSocket hop = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    ClientConnectionDeadlinesTest() throws IOException {
    }

    @AfterEach
    void close() throws IOException {
        hop.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** The hop: writes {@code first} at once, then one byte of {@code dribble} every 100 ms, reading nothing. */
    private void serve(String first, String dribble) {
        Thread.ofVirtual().start(() -> {
            try {
                Socket s = hop.accept();
                accepted.add(s);
                OutputStream out = s.getOutputStream();
                out.write(first.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; ; i = (i + 1) % dribble.length()) {
                    Thread.sleep(100);
                    out.write(dribble.charAt(i));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client hung up
            }
        });
    }

    private ClientConnection connect(Duration stage, Duration attempt) throws IOException {
        return new ClientConnection(InetAddress.getLoopbackAddress(), hop.getLocalPort(), "hop", Duration.ofSeconds(5),
                new Deadlines(stage, stage, stage, stage, stage, stage, stage, attempt));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aGreetingDribbledByteByByteIsBrokenOffAtItsDeadline() throws Exception {
        serve("220-", "x"); // a line that never ends, one byte every 100 ms
        long start = System.nanoTime();
        try (ClientConnection c = connect(STAGE, Duration.ofMinutes(1))) {
            IOException e = assertThrows(ClientConnection.DeadlineExceeded.class, () -> c.read(Deadlines.Stage.GREETING));
            assertTrue(e.getMessage().contains("greeting"), e.getMessage());
            assertTrue(c.broken());
        }
        long took = millisSince(start);
        assertTrue(took >= 500 && took < 5_000, "broken off at the deadline, not kept by each byte: " + took + " ms");
    }

    @Test
    void aMultiLineReplyMustArriveWholeWithinTheDeadline() throws Exception {
        // Each line complete, one every few hundred ms: each read would be quick, the reply never is.
        serve("220 hop\r\n", "250-keyword\r\n");
        long start = System.nanoTime();
        try (ClientConnection c = connect(STAGE, Duration.ofMinutes(1))) {
            assertEquals(220, c.read(Deadlines.Stage.GREETING).code());
            assertThrows(ClientConnection.DeadlineExceeded.class, () -> c.ehlo("client"));
        }
        assertTrue(millisSince(start) < 5_000);
    }

    @Test
    void aHopThatStopsReadingTheMessageIsBrokenOffAtTheDataBlockDeadline() throws Exception {
        serve("", " "); // reads nothing
        byte[] large = ("x".repeat(998) + "\r\n").repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII); // 32 MB
        long start = System.nanoTime();
        try (ClientConnection c = connect(STAGE, Duration.ofMinutes(1))) {
            IOException e = assertThrows(ClientConnection.DeadlineExceeded.class,
                    () -> c.sendMessage(new ByteArrayInputStream(large)));
            assertTrue(e.getMessage().contains("message text"), e.getMessage());
        }
        assertTrue(millisSince(start) < 10_000, "not blocked in a write forever: " + millisSince(start) + " ms");
    }

    @Test
    void theAttemptCapEndsASessionWhoseStagesEachKeepTheirDeadline() throws Exception {
        serve("220 hop\r\n", "250 ok\r\n"); // a complete reply every ~800 ms
        long start = System.nanoTime();
        try (ClientConnection c = connect(Duration.ofSeconds(5), Duration.ofMillis(1500))) {
            IOException e = assertThrows(ClientConnection.DeadlineExceeded.class, () -> {
                c.read(Deadlines.Stage.GREETING);
                while (true) {
                    c.command("NOOP", Deadlines.Stage.MAIL);
                }
            });
            assertTrue(e.getMessage().contains("delivery attempt"), e.getMessage());
        }
        long took = millisSince(start);
        assertTrue(took >= 1400 && took < 5_000, "capped: " + took + " ms");
    }

    /**
     * The hop: greets, answers DATA with 354, reads the message text at {@code bytesPer100ms}
     * (all at once when 0), then answers the final dot after {@code replyDelay} ms.
     */
    private void serveMessage(int bytesPer100ms, long replyDelay) {
        Thread.ofVirtual().start(() -> {
            try {
                Socket s = hop.accept();
                accepted.add(s);
                java.io.InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                out.write("220 hop\r\n".getBytes(StandardCharsets.US_ASCII));
                java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[bytesPer100ms > 0 ? bytesPer100ms : 64 * 1024];
                while (!seen.toString(StandardCharsets.US_ASCII).endsWith("DATA\r\n")) {
                    seen.write(in.read());
                }
                out.write("354 go on\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] end = "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[] tail = new byte[end.length];
                long sinceNap = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(tail, 1, tail, 0, tail.length - 1);
                        tail[tail.length - 1] = buf[i];
                    }
                    if (java.util.Arrays.equals(tail, end)) {
                        break;
                    }
                    sinceNap += n;
                    if (bytesPer100ms > 0 && sinceNap >= bytesPer100ms) {
                        Thread.sleep(100);
                        sinceNap = 0;
                    }
                }
                Thread.sleep(replyDelay);
                out.write("250 2.0.0 taken\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.read(); // until the client hangs up
            } catch (IOException | InterruptedException e) {
                // the client hung up
            }
        });
    }

    @Test
    void theAttemptCapDoesNotCutTheWaitForTheReplyToTheEndOfTheMessage() throws Exception {
        serveMessage(0, 1_500); // the hop has the whole message; it answers after the cap would have expired
        Duration stage = Duration.ofSeconds(5);
        try (ClientConnection c = connect(stage, Duration.ofMillis(1_000))) {
            assertEquals(220, c.read(Deadlines.Stage.GREETING).code());
            assertEquals(354, c.command("DATA", Deadlines.Stage.DATA_INIT).code());
            c.sendMessage(new ByteArrayInputStream("Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)));
            long start = System.nanoTime();
            assertEquals(250, c.read(Deadlines.Stage.DATA_DONE).code(), "only the end-of-message deadline applies");
            assertTrue(millisSince(start) >= 1_000, "the reply came after the cap: " + millisSince(start) + " ms");
            assertFalse(c.broken());
        }
    }

    @Test
    void theAttemptCapDoesNotCutAMessageTheHopTakesSteadily() throws Exception {
        serveMessage(512 * 1024, 0); // ~5 MB a second: 16 MB take longer than the 1 s cap, each block quickly
        byte[] large = ("x".repeat(998) + "\r\n").repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (ClientConnection c = connect(Duration.ofSeconds(5), Duration.ofMillis(1_000))) {
            assertEquals(220, c.read(Deadlines.Stage.GREETING).code());
            assertEquals(354, c.command("DATA", Deadlines.Stage.DATA_INIT).code());
            long start = System.nanoTime();
            c.sendMessage(new ByteArrayInputStream(large));
            assertEquals(250, c.read(Deadlines.Stage.DATA_DONE).code());
            assertTrue(millisSince(start) >= 1_000, "the transfer outlasted the cap: " + millisSince(start) + " ms");
        }
    }

    private static long deadlineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("smtp-out-deadlines") && t.isAlive()).count();
    }

    @Test
    void theDeadlineThreadEndsOnceNoConnectionIsOpen() throws Exception {
        serve("220 hop\r\n", " ");
        try (ClientConnection c = connect(STAGE, Duration.ofMinutes(1))) {
            assertEquals(220, c.read(Deadlines.Stage.GREETING).code());
            assertTrue(deadlineThreads() > 0, "an open connection is watched");
        }
        for (int i = 0; i < 100 && deadlineThreads() > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, deadlineThreads(), "no thread left behind to hold the bundle's class loader after a refresh");
    }
}
