package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postrider.lineserver.LineServerTest.Client;

/** The literal path of CommandLoop, through a real socket and a small IMAP-like protocol. */
class CommandLoopLiteralTest {
    private static final int BEFORE_LOGIN = 16;
    private static final int AFTER_LOGIN = 8 << 20;

    private final AtomicInteger abandoned = new AtomicInteger();
    private LineServer server;

    /**
     * "tag words... {n}" collects literals; the reply after the last part is
     * "OK line|literal sizes:digests|rest...". LOGIN raises the literal limit.
     */
    final class Tagged extends CommandLoop {
        private boolean loggedIn;
        private String first;
        private final List<String> parts = new ArrayList<>();
        private Sink sink;

        Tagged(Connection c) {
            super(c, 10);
        }

        @Override
        protected boolean greet() throws IOException {
            connection.reply("* READY");
            return true;
        }

        @Override
        protected void dispatch(String line) throws IOException {
            if (line.equals("WAIT")) { // reads the next line itself, as IMAP IDLE does
                connection.reply("+ WAITING");
                connection.flush();
                connection.reply("OK WAIT " + connection.readTextLine());
                return;
            }
            if (line.equals("LOGIN")) {
                loggedIn = true;
                connection.reply("OK LOGIN");
                return;
            }
            first = line;
            parts.clear();
            next(line);
        }

        @Override
        protected void resume(String line) throws IOException {
            parts.add(sink.summary());
            next(line);
        }

        private void next(String line) throws IOException {
            LiteralAnnouncement a = LiteralAnnouncement.parse(line);
            if (a == null) {
                connection.endData();
                connection.reply("OK " + first + "|" + String.join(",", parts) + "|" + line);
                return;
            }
            if (first.startsWith("TEXT ")) { // message text, as APPEND: 3 s for the whole, not 800 ms
                connection.beginData(Duration.ofSeconds(3), 0, Duration.ZERO);
            }
            parts.add(line.substring(0, a.start()));
            sink = new Sink();
            long max = loggedIn ? AFTER_LOGIN : BEFORE_LOGIN;
            literalFollows(a.synchronizing() ? Literal.synchronizing(a.size(), max, "+ GO", sink)
                    : Literal.nonSynchronizing(a.size(), max, sink));
        }

        @Override
        protected void literalRefused(Literal literal) throws IOException {
            connection.reply("NO TOOBIG " + literal.size());
        }

        @Override
        protected void abandon() {
            abandoned.incrementAndGet();
        }

        @Override
        protected void answer(ProtocolViolation v) throws IOException {
            connection.reply("ERR " + v.kind());
        }

        @Override
        protected String shuttingDown() {
            return "BYE";
        }

        @Override
        protected String tooManyErrors() {
            return "BYE errors";
        }
    }

    /** Keeps a digest and the largest single write, never the octets. */
    static final class Sink extends OutputStream {
        final MessageDigest sha;
        long total;
        int largestWrite;
        final StringBuilder text = new StringBuilder();

        Sink() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sha.update(b, off, len);
            total += len;
            largestWrite = Math.max(largestWrite, len);
            if (text.length() < 64) {
                text.append(new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .replace("\r", "\\r").replace("\n", "\\n"));
            }
        }

        String summary() {
            return total <= 64 ? "[" + text + "]" : total + ":" + HexFormat.of().formatHex(sha.digest()) + ":" + largestWrite;
        }
    }

    @BeforeEach
    void start() throws IOException {
        ListenerSettings s = new ListenerSettings("tagged", "TAGGED", new InetSocketAddress("127.0.0.1", 0),
                TlsMode.NONE, 10, 5, 5, 100, Duration.ofMillis(1500), Duration.ofMillis(800), Duration.ofMillis(10),
                Duration.ofMillis(10));
        server = new LineServer(s, new SessionHandler() {
            @Override
            public void serve(Connection c) throws IOException {
                new Tagged(c).run();
            }

            @Override
            public String refusal(String reason) {
                return "BUSY " + reason;
            }
        }, null);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private Client connect() throws IOException {
        Client c = new Client(new Socket("127.0.0.1", server.address().getPort()));
        assertEquals("* READY", c.line());
        return c;
    }

    private Client loggedIn() throws IOException {
        Client c = connect();
        c.send("LOGIN\r\n");
        assertEquals("OK LOGIN", c.line());
        return c;
    }

    @Test
    void literalsSentInPiecesArriveWholeUnframedAndTheCommandResumes() throws Exception {
        try (Client c = connect()) {
            c.send("A1 APPEND box {12}\r\n");
            assertEquals("+ GO", c.line());
            for (String piece : new String[] {"hel", "lo\r", "\nwo", "rld"}) { // one read each
                c.send(piece);
                Thread.sleep(30);
            }
            // the next line, a non-synchronizing literal behind it in the same write, split across reads
            c.send(" (x) {6+}\r\nab\nc");
            Thread.sleep(30);
            c.send("\rd\r\n");
            assertEquals("OK A1 APPEND box {12}|A1 APPEND box ,[hello\\r\\nworld], (x) ,[ab\\nc\\rd]|", c.line());
            c.send("A2 NOOP {0+}\r\n tail\r\nA3 NOOP\r\n");
            assertEquals("OK A2 NOOP {0+}|A2 NOOP ,[]| tail", c.line());
            assertEquals("OK A3 NOOP||A3 NOOP", c.line(), "line reading resumes after the literal");
        }
        assertEquals(0, abandoned.get());
    }

    @Test
    void aLiteralOverTheLimitIsRefusedBeforeAnyOfItIsRead() throws Exception {
        try (Client c = connect()) {
            c.send("A1 APPEND {17}\r\n");
            assertEquals("NO TOOBIG 17", c.line(), "refused without a continuation");
            c.send("A2 NOOP\r\n");
            assertEquals("OK A2 NOOP||A2 NOOP", c.line(), "nothing was read as a literal: the next line is a command");
            c.send("LOGIN\r\n");
            assertEquals("OK LOGIN", c.line());
            c.send("A3 APPEND {17}\r\n");
            assertEquals("+ GO", c.line(), "the limit is the protocol's, by state");
            c.send("x".repeat(17) + "\r\n");
            assertEquals("OK A3 APPEND {17}|A3 APPEND ,[" + "x".repeat(17) + "]|", c.line());
            c.send("A4 APPEND {18446744073709551616}\r\n");
            assertEquals("NO TOOBIG " + Long.MAX_VALUE, c.line(), "past 64 bits: refused, never wrapped");
            c.send("A5 APPEND {4294967296+}\r\n");
            assertEquals("NO TOOBIG 4294967296", c.line());
            assertNull(c.line(), "a non-synchronizing literal over the limit ends the session");
        }
    }

    @Test
    void aLargeLiteralIsStreamedToTheSinkNeverHeldWhole() throws Exception {
        byte[] big = new byte[4 << 20];
        new java.util.Random(7).nextBytes(big);
        try (Client c = loggedIn()) {
            c.send("A1 APPEND {" + big.length + "}\r\n");
            assertEquals("+ GO", c.line());
            c.out.write(big);
            c.send("\r\n");
            String reply = c.line();
            String[] sink = reply.split("\\|")[1].split(",")[1].split(":");
            assertEquals(String.valueOf(big.length), sink[0]);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)), sink[1]);
            assertTrue(Integer.parseInt(sink[2]) <= 16 * 1024, "at most one buffer load per write: " + sink[2]);
        }
    }

    @Test
    void aViolationWhileACommandReadsItselfIsAnsweredBeforeTheSessionCloses() throws Exception {
        try (Client c = connect()) {
            c.send("WAIT\r\n");
            assertEquals("+ WAITING", c.line());
            assertEquals("ERR TIMEOUT", c.line(), "told, not dropped silently");
            assertNull(c.line());
        }
        try (Client c = connect()) {
            c.send("WAIT\r\nDONE\r\n");
            assertEquals("+ WAITING", c.line());
            assertEquals("OK WAIT DONE", c.line());
            c.send("WAIT\r\nx\ny\r\n");
            assertEquals("+ WAITING", c.line());
            assertEquals("ERR BARE_LINE_ENDING", c.line());
            assertNull(c.line());
        }
    }

    @Test
    void aClientThatStopsInsideALiteralIsCutAtTheCommandDeadline() throws Exception {
        try (Client c = loggedIn()) {
            c.send("A1 APPEND {40}\r\n");
            assertEquals("+ GO", c.line());
            long t = System.nanoTime();
            for (int i = 0; i < 40 && !c.in.ready(); i++) { // one octet every 250 ms: 10 s if each read reset the clock
                c.send("x");
                Thread.sleep(250);
            }
            assertEquals("ERR TIMEOUT", c.line());
            assertNull(c.line());
            // the 800 ms deadline; 10 s and more if each read reset the clock
            assertTrue(System.nanoTime() - t < 6_000_000_000L, "the deadline cuts the literal, not each read");
        }
        awaitAbandoned(1);
    }

    @Test
    void messageTextTimedAsSuchMayTakeLongerThanTheCommandDeadlineWhileItFlows() throws Exception {
        try (Client c = loggedIn()) {
            c.send("TEXT A1 {15}\r\n");
            assertEquals("+ GO", c.line());
            for (int i = 0; i < 15; i++) { // 1.5 s in all, each octet well within the 800 ms deadline
                c.send("x");
                Thread.sleep(100);
            }
            c.send("\r\n");
            assertEquals("OK TEXT A1 {15}|TEXT A1 ,[" + "x".repeat(15) + "]|", c.line());
        }
    }

    @Test
    void aCommandCutShortAfterItsLiteralIsAbandoned() throws Exception {
        try (Client c = connect()) {
            c.send("A1 APPEND {2+}\r\nab" + "y".repeat(150) + "\r\n");
            assertEquals("ERR LINE_TOO_LONG", c.line());
            awaitAbandoned(1);
            c.send("A2 NOOP\r\n");
            assertEquals("OK A2 NOOP||A2 NOOP", c.line(), "the session goes on with the next command");
            c.send("A3 APPEND {5+}\r\nab");
        }
        awaitAbandoned(2); // the client left inside the literal
        try (Client c = connect()) {
            c.send("A4 APPEND {2+}\r\nab");
        }
        awaitAbandoned(3); // the client left after the literal, before the rest of the command
    }

    private void awaitAbandoned(int n) throws InterruptedException {
        for (int i = 0; i < 100 && abandoned.get() < n; i++) {
            Thread.sleep(20);
        }
        assertEquals(n, abandoned.get());
    }
}
