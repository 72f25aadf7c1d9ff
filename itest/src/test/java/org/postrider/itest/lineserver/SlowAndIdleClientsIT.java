package org.postrider.itest.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * Clients that hold sessions without using them, through the distribution with short
 * configured values: idle before login (POP3) or before a mail transaction (SMTP), message
 * text trickled below the minimum rate or past the deadline for the whole of it, and many
 * logins at once from one address against the bound on password hashes.
 */
class SlowAndIdleClientsIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int smtp;
    static int pop3;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.smtp", Map.ofEntries(Map.entry("idleTimeout", "20s"),
                Map.entry("preLoginIdleTimeout", "1s"), Map.entry("dataDeadline", "12s"),
                Map.entry("dataMinRate", "200"), Map.entry("dataRateGrace", "1s"),
                Map.entry("allowPlaintextAuth", "true"), Map.entry("authFailureDelay", "10ms"),
                Map.entry("maxPasswordChecks", "1"), Map.entry("passwordCheckWait", "50ms"),
                Map.entry("maxMessageSize", "100000")));
        athena.config("org.postrider.pop3", Map.of("port", "0", "tlsPort", "-1", "idleTimeout", "20s",
                "preLoginIdleTimeout", "1s", "allowPlaintextAuth", "true"));
        athena.start();
        smtp = athena.listenerPort("smtp");
        pop3 = athena.listenerPort("pop3");
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
    }

    /** A raw client; {@link #line()} waits up to 15 s. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            return in.readLine();
        }

        /** The last line of a (multi-line) reply. */
        String command(String c) throws IOException {
            out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String l;
            do {
                l = in.readLine();
            } while (l != null && l.length() > 3 && l.charAt(3) == '-');
            return l;
        }

        /**
         * Sends {@code piece} every {@code millis} until the server answers or 30 s pass;
         * returns the milliseconds until the answer.
         */
        long trickle(String piece, long millis) throws Exception {
            long start = System.nanoTime();
            try {
                while (socket.getInputStream().available() == 0 && System.nanoTime() - start < 30_000_000_000L) {
                    out.write(piece.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(millis);
                }
            } catch (IOException closed) {
                // the server stopped reading; its answer is waiting
            }
            return (System.nanoTime() - start) / 1_000_000;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void pop3ClosesAnIdleSessionBeforeLoginSoonButNotALoggedInOne() throws Exception {
        try (Raw anonymous = new Raw(pop3); Raw user = new Raw(pop3)) {
            long start = System.nanoTime();
            assertTrue(anonymous.line().startsWith("+OK"));
            assertTrue(user.line().startsWith("+OK"));
            assertTrue(user.command("USER alice@example.org").startsWith("+OK"));
            assertTrue(user.command("PASS alice-pw").startsWith("+OK"));
            String bye = anonymous.line();
            assertTrue(bye != null && bye.startsWith("-ERR"), "autologout before login: " + bye);
            assertNull(anonymous.line(), "closed");
            long closedAfter = millisSince(start);
            assertTrue(closedAfter < 5_000, "closed after the 1 s idle time before login, not the 20 s one: "
                    + closedAfter + " ms");
            Thread.sleep(Math.max(0, 3_000 - millisSince(start))); // well past the time before login
            assertTrue(user.command("NOOP").startsWith("+OK"), "a logged-in session keeps the 20 s idle time");
            assertTrue(user.command("QUIT").startsWith("+OK"));
        }
    }

    @Test
    void smtpClosesAnIdleSessionBeforeMailSoonButNotOneInATransaction() throws Exception {
        try (Raw idle = new Raw(smtp); Raw sender = new Raw(smtp)) {
            long start = System.nanoTime();
            assertTrue(idle.line().startsWith("220"));
            assertTrue(sender.line().startsWith("220"));
            assertTrue(idle.command("EHLO idle.example").startsWith("250"));
            assertTrue(sender.command("EHLO sender.example").startsWith("250"));
            assertTrue(sender.command("MAIL FROM:<s@example.net>").startsWith("250"));
            String bye = idle.line();
            assertTrue(bye != null && bye.startsWith("421 4.4.2"), bye);
            assertNull(idle.line());
            // 1 s before a transaction; 20 s, the idle time of one, if that applied
            assertTrue(millisSince(start) < 8_000, "closed after 1 s: " + millisSince(start) + " ms");
            Thread.sleep(Math.max(0, 3_000 - millisSince(start)));
            assertTrue(sender.command("RCPT TO:<alice@example.org>").startsWith("250"),
                    "a session in a transaction keeps the 20 s idle time");
            assertTrue(sender.command("QUIT").startsWith("221"));
        }
    }

    private static Raw inData(String verb) throws IOException {
        Raw r = new Raw(smtp);
        assertTrue(r.line().startsWith("220"));
        assertTrue(r.command("EHLO slow.example").startsWith("250"));
        assertTrue(r.command("MAIL FROM:<s@example.net>").startsWith("250"));
        assertTrue(r.command("RCPT TO:<alice@example.org>").startsWith("250"));
        if (verb.equals("DATA")) {
            assertTrue(r.command("DATA").startsWith("354"));
        } else {
            r.out.write("BDAT 100000 LAST\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return r;
    }

    @Test
    void messageTextBelowTheMinimumRateIsCutAfterTheGracePeriod() throws Exception {
        int before = athena.messages(athena.inbox("alice", "example.org")).size();
        for (String verb : List.of("DATA", "BDAT")) {
            try (Raw r = inData(verb)) {
                // 8 octets every 300 ms: a line within each per-line deadline, ~27 octets a second in all.
                long took = r.trickle("X: abc\r\n", 300);
                String reply = r.line();
                assertTrue(reply != null && reply.startsWith("421 4.4.2"), verb + ": " + reply);
                // the 1 s grace, then the rate; 12 s, the deadline for the whole, if the rate were not enforced
                assertTrue(took < 6_000, verb + ": cut once the 1 s grace was over, before the 12 s deadline: " + took);
            }
        }
        assertEquals(before, athena.messages(athena.inbox("alice", "example.org")).size());
    }

    @Test
    void messageTextFastEnoughButEndlessIsCutAtTheDeadlineForTheWhole() throws Exception {
        try (Raw r = inData("DATA")) {
            long took = r.trickle("X: " + "a".repeat(95) + "\r\n", 100); // ~1000 octets a second, never ending
            String reply = r.line();
            assertTrue(reply != null && reply.startsWith("421 4.4.2"), reply);
            // never cut, the trickle's 30 s, if each line or read reset the clock
            assertTrue(took >= 11_000 && took < 20_000, "cut at the 12 s deadline for the whole text: " + took + " ms");
        }
    }

    @Test
    void aBdatChunkOverTheSizeLimitEndsTheMessageTextSoAPauseAfterTheRefusalIsIdleTime() throws Exception {
        try (Raw r = new Raw(smtp)) {
            assertTrue(r.line().startsWith("220"));
            assertTrue(r.command("EHLO big.example").startsWith("250"));
            assertTrue(r.command("MAIL FROM:<s@example.net>").startsWith("250"));
            assertTrue(r.command("RCPT TO:<alice@example.org>").startsWith("250"));
            r.out.write("BDAT 1000\r\n".getBytes(StandardCharsets.US_ASCII));
            r.out.write(("X: " + "a".repeat(995) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(r.line().startsWith("250"));
            String over = "BDAT 200000\r\n" + ("X: " + "a".repeat(95) + "\r\n").repeat(2000);
            assertTrue(r.command(over.substring(0, over.length() - 2)).startsWith("552 5.3.4"));
            // Past the 12 s deadline for message text, and far below its minimum rate from here on,
            // but within the 20 s idle time: the text ended with the refusal.
            Thread.sleep(13_000);
            assertTrue(r.command("NOOP").startsWith("250"), "the session is idle, not a slow message");
            assertTrue(r.command("BDAT 0 LAST").startsWith("554"), "the failed transaction ends at LAST");
            assertTrue(r.command("QUIT").startsWith("221"));
        }
    }

    private static long stat(String name) throws Exception {
        String out = athena.admin("smtp:stats").ok().out();
        return out.lines().filter(l -> l.startsWith(name + ":")).mapToLong(l -> Long.parseLong(l.split(":\\s+")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in\n" + out));
    }

    @Test
    void loginsFromOneAddressAtOnceHashOneAtATimeAndTheRestGetATemporaryFailure() throws Exception {
        int n = 6;
        String wrong = Base64.getEncoder().encodeToString("\0alice@example.org\0wrong-pw"
                .getBytes(StandardCharsets.UTF_8));
        List<Raw> sessions = new CopyOnWriteArrayList<>();
        List<String> replies = new CopyOnWriteArrayList<>();
        try {
            // each session set up on its own thread, all at once: set up one after another, the
            // first could reach its 1 s idle time before login while the last were still greeted
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch ready = new CountDownLatch(n);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    boolean counted = false;
                    try {
                        go.await();
                        Raw r = new Raw(smtp);
                        sessions.add(r);
                        String greeting = r.line();
                        assertTrue(greeting != null && greeting.startsWith("220"), greeting);
                        String ehlo = r.command("EHLO many.example");
                        assertTrue(ehlo != null && ehlo.startsWith("250"), ehlo);
                        ready.countDown();
                        counted = true;
                        ready.await(); // every session set up: the logins come at once
                        replies.add(r.command("AUTH PLAIN " + wrong));
                    } catch (Exception | AssertionError e) {
                        replies.add("failed: " + e);
                    } finally {
                        if (!counted) {
                            ready.countDown();
                        }
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            for (Raw r : sessions) {
                r.close();
            }
        }
        assertEquals(n, replies.size());
        assertTrue(replies.stream().allMatch(r -> r.startsWith("535 5.7.8") || r.startsWith("454 4.7.0")), replies
                .toString());
        assertTrue(replies.stream().anyMatch(r -> r.startsWith("454 4.7.0")),
                "with one hash slot and 50 ms to wait for it, the others are told to come back: " + replies);
        assertEquals(1, stat("auth.checks.max"));
        assertEquals(1, stat("auth.checks.peak"), "never more than one PBKDF2 hash at once");
        assertTrue(stat("auth.checks.busy") >= 1);
    }
}
