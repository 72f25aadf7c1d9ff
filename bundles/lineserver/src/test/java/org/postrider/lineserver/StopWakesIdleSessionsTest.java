package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postrider.lineserver.LineServerTest.Client;

/**
 * A listener that stops (its bundle updated, its configuration changed) must not wait its
 * whole grace period for sessions that only wait for their next command: they are told
 * goodbye at once, and the port is free for the next listener; a session inside a command
 * finishes it first.
 */
class StopWakesIdleSessionsTest {
    /**
     * "SLOW" counts {@code inCommand} down, then lasts until the listener's stop has begun and
     * 600 ms beyond; "WAIT" waits for a line as IMAP IDLE does (and says goodbye itself when a
     * stop ends the wait); anything else is echoed. Making the goodbye runs
     * {@code makingGoodbye} first, which may take its time, as a write to a slow client does.
     */
    static final class Slow extends CommandLoop {
        private final CountDownLatch inCommand;
        private final Runnable makingGoodbye;

        Slow(Connection c) {
            this(c, new CountDownLatch(1), () -> { });
        }

        Slow(Connection c, CountDownLatch inCommand, Runnable makingGoodbye) {
            super(c, 10);
            this.inCommand = inCommand;
            this.makingGoodbye = makingGoodbye;
        }

        @Override
        protected boolean greet() throws IOException {
            connection.reply("READY");
            return true;
        }

        @Override
        protected void dispatch(String line) throws IOException {
            if (line.equals("SLOW")) {
                inCommand.countDown();
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!connection.stopping() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    Thread.sleep(600); // the stop has begun: it must wait for this command to end
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (line.equals("WAIT")) {
                connection.reply("+ waiting");
                connection.flush();
                String done = connection.readWaitLine();
                if (done == null) {
                    if (connection.wokenForStop()) {
                        connection.reply("BYE from the wait");
                    }
                    end();
                    return;
                }
            }
            connection.reply("OK " + line);
        }

        @Override
        protected void answer(ProtocolViolation v) throws IOException {
            connection.reply("ERR " + v.kind());
        }

        @Override
        protected String shuttingDown() {
            makingGoodbye.run();
            return "BYE stopping";
        }

        @Override
        protected String tooManyErrors() {
            return "BYE errors";
        }
    }

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path tlsDir;

    private static LineServer start(Duration grace) throws Exception {
        return start(grace, TlsMode.NONE);
    }

    private static LineServer start(Duration grace, TlsMode tls) throws Exception {
        return start(grace, tls, c -> new Slow(c).run());
    }

    interface Serve {
        void serve(Connection c) throws IOException;
    }

    private static LineServer start(Duration grace, TlsMode tls, Serve serve) throws Exception {
        return start(grace, tls, serve, Duration.ofMinutes(1));
    }

    private static LineServer start(Duration grace, TlsMode tls, Serve serve, Duration commandDeadline)
            throws Exception {
        SessionHandler h = new SessionHandler() {
            @Override
            public void serve(Connection c) throws IOException {
                serve.serve(c);
            }

            @Override
            public String refusal(String reason) {
                return "BUSY " + reason;
            }
        };
        LineServer s = new LineServer(new ListenerSettings("slow", "SLOW", new InetSocketAddress("127.0.0.1", 0),
                tls, 10, 10, 10, 100, Duration.ofMinutes(5), commandDeadline, grace,
                Duration.ofMillis(10)), h, tls == TlsMode.NONE ? null
                        : TlsCertificates.of("", "", "", "", tlsDir, "localhost"));
        s.start();
        return s;
    }

    @Test
    void anIdleSessionIsToldGoodbyeAtOnceAndTheStopDoesNotWaitForIt() throws Exception {
        LineServer server = start(Duration.ofSeconds(20));
        int port = server.address().getPort();
        try (Client idle = new Client(new Socket("127.0.0.1", port))) {
            assertEquals("READY", idle.line());
            idle.send("HELLO\r\n");
            assertEquals("OK HELLO", idle.line());
            long t0 = System.nanoTime();
            server.stop();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 5000, "the stop waited " + millis + " ms for a session that waited for a command");
            assertEquals("BYE stopping", idle.line());
            assertNull(idle.line());
        }
    }

    /**
     * A client that sends its next command just after the stop said goodbye (smtplib sends
     * MAIL right after the 250 of the last message) still reads the goodbye: the server reads
     * the command before it closes, so the client gets no reset, on its write nor its read.
     */
    /**
     * A session the accept loop started just as the stop began, which reached the connections
     * only after the stop had woken them (here held in prepareTls, before it is one): it must
     * still be under the watchdog and the grace, so a client that never begins its TLS
     * handshake (or reads a goodbye, then neither speaks nor closes) is closed, and the
     * session's thread, holding the listener and its bundle's classes, ends. Before, the
     * watchdog was cancelled under it and the session waited for the client for ever.
     */
    @Test
    void aSessionThatJoinsAsTheStopBeginsIsStillClosedInTime() throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        SessionHandler h = new SessionHandler() {
            @Override
            public void serve(Connection c) throws IOException {
                new Slow(c).run();
            }

            @Override
            public String refusal(String reason) {
                return "BUSY " + reason;
            }

            @Override
            public void prepareTls(javax.net.ssl.SSLSocket socket) {
                held.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        LineServer server = new LineServer(new ListenerSettings("slow", "SLOW", new InetSocketAddress("127.0.0.1", 0),
                TlsMode.IMPLICIT, 10, 10, 10, 100, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(3),
                Duration.ofMillis(10)), h, TlsCertificates.of("", "", "", "", tlsDir, "localhost"));
        server.start();
        int port = server.address().getPort();
        try (Socket raw = new Socket("127.0.0.1", port)) {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::stop);
            Thread.sleep(600); // the stop has woken the sessions it had (none) and its accept loop ended
            hold.countDown();
            raw.setSoTimeout(15_000);
            long t0 = System.nanoTime();
            try {
                assertEquals(-1, raw.getInputStream().read(), "nothing but the end of the stream");
            } catch (java.net.SocketException e) {
                // closed by the server: a reset is an end too
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 10_000, "closed after " + millis + " ms");
            stop.get(15, TimeUnit.SECONDS);
        }
    }

    /** Waits until something (the stop's goodbye) has arrived for the client, without reading it. */
    private static void arrived(Client c) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.in.ready()) {
            assertTrue(System.currentTimeMillis() < deadline, "no goodbye came");
            Thread.sleep(5);
        }
    }

    @Test
    void aClientThatSpeaksJustAfterTheGoodbyeStillReadsIt() throws Exception {
        LineServer server = start(Duration.ofSeconds(20));
        try (Client idle = new Client(new Socket("127.0.0.1", server.address().getPort()))) {
            assertEquals("READY", idle.line());
            CompletableFuture<Long> stop = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                server.stop();
                return (System.nanoTime() - t0) / 1_000_000;
            });
            arrived(idle); // the goodbye is here; the client has not read it yet
            idle.send("HELLO\r\n");
            Thread.sleep(100);
            idle.send("HELLO AGAIN\r\n");
            assertEquals("BYE stopping", idle.line());
            long millis = stop.get(10, TimeUnit.SECONDS);
            assertTrue(millis < 5000, "the stop took " + millis + " ms");
        }
    }

    /**
     * The stop writes the goodbye to a session waiting for its next command; the client, not
     * having read it yet, goes on sending (a pipelining client, smtplib's next MAIL). The
     * session, woken by the first of those lines, must read and drop what follows until the
     * client closes, as it does after a goodbye of its own: closed with input unread or still
     * coming, the socket answers with a reset, and the client's next write fails (its read too,
     * on some systems even before it has read the goodbye).
     */
    @Test
    void aClientThatGoesOnSpeakingAfterTheStopWroteTheGoodbyeIsNotReset() throws Exception {
        LineServer server = start(Duration.ofSeconds(20));
        try (Client idle = new Client(new Socket("127.0.0.1", server.address().getPort()))) {
            assertEquals("READY", idle.line());
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::stop);
            arrived(idle); // the stop has written the goodbye; the client has not read it
            idle.send("HELLO\r\n"); // wakes the session
            Thread.sleep(300);
            idle.send("HELLO AGAIN\r\n"); // reaches a socket closed by now, if the session did not drain
            Thread.sleep(300);
            idle.send("HELLO ONCE MORE\r\n"); // fails after a reset
            assertEquals("BYE stopping", idle.line());
            assertNull(idle.line(), "the end of the stream, not a reset");
            stop.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anIdleTlsSessionIsToldGoodbyeToo() throws Exception {
        LineServer server = start(Duration.ofSeconds(20), TlsMode.IMPLICIT);
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) LineServerTest.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", server.address().getPort());
        try (Client idle = new Client(ssl)) {
            assertEquals("READY", idle.line());
            idle.send("HELLO\r\n");
            assertEquals("OK HELLO", idle.line());
            long t0 = System.nanoTime();
            server.stop();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 5000, "the stop waited " + millis + " ms for a TLS session between commands");
            assertEquals("BYE stopping", idle.line());
        }
    }

    /**
     * The client speaks while the stop is still writing its goodbye: the session, woken by
     * the client's line, must not close the socket under that write (the client got no
     * goodbye, or half of one).
     */
    @Test
    void aSessionWokenWhileTheStopWritesItsGoodbyeLetsItFinish() throws Exception {
        CountDownLatch goodbyeBegun = new CountDownLatch(1);
        CountDownLatch clientSpoke = new CountDownLatch(1);
        LineServer server = start(Duration.ofSeconds(20), TlsMode.NONE, c -> new Slow(c, new CountDownLatch(1), () -> {
            goodbyeBegun.countDown();
            try {
                clientSpoke.await(10, TimeUnit.SECONDS);
                Thread.sleep(800); // the session, woken by the client's line, has time to close under this write
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).run());
        try (Client idle = new Client(new Socket("127.0.0.1", server.address().getPort()))) {
            assertEquals("READY", idle.line());
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::stop);
            assertTrue(goodbyeBegun.await(10, TimeUnit.SECONDS), "the stop makes its goodbye");
            idle.send("HELLO\r\n");
            clientSpoke.countDown();
            assertEquals("BYE stopping", idle.line());
            stop.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A session writing to a TLS client that reads nothing holds the TLS record lock in its
     * blocked write: closing the TLS socket at the end of the grace waited for that lock,
     * until the write deadline (here 30 s; minutes in service), not the 1 s grace.
     */
    @Test
    void aStopEndsWithinItsGraceWhenATlsClientReadsNothing() throws Exception {
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        LineServer server = start(Duration.ofSeconds(1), TlsMode.IMPLICIT, c -> {
            byte[] load = new byte[1 << 20];
            writing.countDown();
            for (int i = 0; i < 64; i++) {
                c.write(load, 0, load.length);
            }
            c.flush();
        }, Duration.ofSeconds(30));
        try (javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) LineServerTest.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", server.address().getPort())) {
            ssl.startHandshake(); // and then reads nothing
            assertTrue(writing.await(10, TimeUnit.SECONDS), "the session writes");
            Thread.sleep(500); // the buffers fill, the write blocks
            long t0 = System.nanoTime();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::stop);
            try {
                stop.get(4, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                org.junit.jupiter.api.Assertions.fail("the stop, with a grace of 1 s, was not done after 4 s");
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 4000, "the stop took " + millis + " ms");
        }
    }

    /** A TLS session in a wait (IMAP IDLE) is told goodbye by its protocol, not closed without a word. */
    @Test
    void aTlsSessionInAWaitIsToldGoodbye() throws Exception {
        LineServer server = start(Duration.ofSeconds(20), TlsMode.IMPLICIT);
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) LineServerTest.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", server.address().getPort());
        try (Client idle = new Client(ssl)) {
            assertEquals("READY", idle.line());
            idle.send("WAIT\r\n");
            assertEquals("+ waiting", idle.line());
            long t0 = System.nanoTime();
            server.stop();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 5000, "the stop waited " + millis + " ms for a TLS session in a wait");
            assertEquals("BYE from the wait", idle.line());
        }
    }

    /**
     * A binary protocol's link idle between frames ({@link Connection#awaitInput()}, the
     * internal transport) is ended at once by a stop, not held for the grace period.
     */
    @Test
    void aLinkIdleBetweenFramesIsEndedAtOnce() throws Exception {
        LineServer server = start(Duration.ofSeconds(20), TlsMode.IMPLICIT, c -> {
            while (c.awaitInput()) {
                c.reply("ECHO " + c.readTextLine());
                c.flush();
            }
            if (c.wokenForStop()) {
                c.reply("STOPPED");
            }
        });
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) LineServerTest.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", server.address().getPort());
        try (Client link = new Client(ssl)) {
            link.send("FRAME\r\n");
            assertEquals("ECHO FRAME", link.line());
            long t0 = System.nanoTime();
            server.stop();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 5000, "the stop waited " + millis + " ms for a link idle between frames");
            assertEquals("STOPPED", link.line());
            assertNull(link.line());
        }
    }

    /**
     * A client that sends its next command right after the last reply of a session that
     * says goodbye as the stop comes (smtplib's MAIL after the 250 of a message, EHLO after
     * the greeting) must not get a reset for it: its next write, and its read of the goodbye,
     * would fail.
     */
    @Test
    void aClientThatSpeaksAfterTheSessionsOwnGoodbyeIsNotReset() throws Exception {
        CountDownLatch inCommand = new CountDownLatch(1);
        LineServer server = start(Duration.ofSeconds(20), TlsMode.NONE,
                c -> new Slow(c, inCommand, () -> { }).run());
        try (Client busy = new Client(new Socket("127.0.0.1", server.address().getPort()))) {
            assertEquals("READY", busy.line());
            busy.send("SLOW\r\n");
            assertTrue(inCommand.await(10, TimeUnit.SECONDS), "the command is being executed");
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::stop);
            assertEquals("OK SLOW", busy.line());
            busy.send("HELLO\r\n"); // after the goodbye was written, or about to be
            Thread.sleep(300);
            busy.send("HELLO AGAIN\r\n"); // a reset by now would fail this write
            assertEquals("BYE stopping", busy.line());
            stop.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSessionInsideACommandFinishesItThenSaysGoodbye() throws Exception {
        CountDownLatch inCommand = new CountDownLatch(1);
        LineServer server = start(Duration.ofSeconds(20), TlsMode.NONE,
                c -> new Slow(c, inCommand, () -> { }).run());
        try (Client busy = new Client(new Socket("127.0.0.1", server.address().getPort()))) {
            assertEquals("READY", busy.line());
            busy.send("SLOW\r\n");
            assertTrue(inCommand.await(10, TimeUnit.SECONDS), "the command is being executed");
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::stop);
            assertEquals("OK SLOW", busy.line());
            assertEquals("BYE stopping", busy.line());
            stop.get(10, TimeUnit.SECONDS);
        }
    }
}
