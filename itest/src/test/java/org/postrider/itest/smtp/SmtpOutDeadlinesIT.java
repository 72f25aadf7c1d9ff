package org.postrider.itest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.TestDns;

/**
 * Next hops that hold a delivery slot by dribbling their replies one byte a second, and one
 * whose TLS handshake fails. Athena has one delivery slot (concurrency=1) and 2 s stage
 * deadlines: a slow hop's message is deferred (4.4.2) when its stage's deadline is up, and
 * the slot goes to the next message.
 */
class SmtpOutDeadlinesIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static TestDns dns;
    static Instance athena;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // the hops bind this port on other loopback addresses
        }
        dns = new TestDns();
        dns.mx("slow.example", 10, "mx.slow.example").a("mx.slow.example", "127.0.0.7");
        dns.mx("late.example", 10, "mx.late.example").a("mx.late.example", "127.0.0.8");
        dns.mx("good.example", 10, "mx.good.example").a("mx.good.example", "127.0.0.9");
        dns.mx("badtls.example", 10, "mx.badtls.example").a("mx.badtls.example", "127.0.0.10");
        dns.mx("mustls.example", 10, "mx.badtls.example");
        dns.mx("stalltls.example", 10, "mx.stalltls.example").a("mx.stalltls.example", "127.0.0.12");
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000"));
        athena.config("org.postrider.smtp.client", Map.ofEntries(Map.entry("port", String.valueOf(port)),
                Map.entry("greetingTimeout", "2s"), Map.entry("heloTimeout", "2s"), Map.entry("mailTimeout", "2s"),
                Map.entry("rcptTimeout", "2s"), Map.entry("dataInitTimeout", "2s"),
                Map.entry("dataBlockTimeout", "2s"), Map.entry("dataDoneTimeout", "2s"),
                Map.entry("maxAttemptTime", "20s"), Map.entry("connectionCacheTime", "0s"),
                Map.entry("requireTlsDomains", "mustls.example")));
        athena.config("org.postrider.core.queue", Map.of("concurrency", "1", "retrySchedule", "1h",
                "delayWarning", "1h"));
        athena.start();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /** How a scripted hop behaves. */
    enum Mode { DRIBBLE_GREETING, DRIBBLE_END_OF_DATA, NORMAL, BROKEN_TLS, STALLED_TLS }

    /**
     * A next hop on a loopback address and the port Athena uses. It records command lines,
     * messages, and how long each connection lasted until the client left.
     */
    static final class Hop implements AutoCloseable {
        final List<String> commands = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Long> lifetimes = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket();
        private final Mode mode;

        Hop(String address, Mode mode) throws IOException {
            this.mode = mode;
            socket.bind(new InetSocketAddress(address, port));
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> session(c));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void session(Socket c) {
            long start = System.nanoTime();
            try (c) {
                c.setSoTimeout(60_000);
                serve(c);
            } catch (IOException | InterruptedException e) {
                // the client left, or was too slow for us
            }
            lifetimes.add((System.nanoTime() - start) / 1_000_000);
        }

        /** One byte a second, for at most two minutes; returns when the client has gone. */
        private static void dribble(OutputStream out, String head) throws IOException, InterruptedException {
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 120; i++) {
                Thread.sleep(1000);
                out.write('x');
                out.flush();
            }
        }

        private void serve(Socket c) throws IOException, InterruptedException {
            OutputStream out = c.getOutputStream();
            if (mode == Mode.DRIBBLE_GREETING) {
                dribble(out, "220-");
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            out.write("220 hop ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                commands.add(l);
                String verb = l.toUpperCase(Locale.ROOT);
                if (verb.startsWith("EHLO")) {
                    out.write((mode == Mode.BROKEN_TLS || mode == Mode.STALLED_TLS ? "250-hop\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
                            : "250-hop\r\n250 8BITMIME\r\n").getBytes(StandardCharsets.US_ASCII));
                } else if (verb.equals("STARTTLS")) {
                    out.write("220 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                    if (mode == Mode.STALLED_TLS) {
                        out.flush();
                        while (c.getInputStream().read() >= 0) {
                            // the client's hello goes unanswered until it hangs up
                        }
                        return;
                    }
                    out.write("this is no TLS server hello\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                } else if (verb.equals("DATA")) {
                    out.write("354 go on\r\n".getBytes(StandardCharsets.US_ASCII));
                    StringBuilder m = new StringBuilder();
                    for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                        m.append(d).append('\n');
                    }
                    messages.add(m.toString());
                    if (mode == Mode.DRIBBLE_END_OF_DATA) {
                        dribble(out, "250-");
                        return;
                    }
                    out.write("250 2.0.0 taken\r\n".getBytes(StandardCharsets.US_ASCII));
                } else if (verb.equals("QUIT")) {
                    out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                } else {
                    out.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void submit(String id, String to) throws Exception {
        Path eml = athena.home().resolve(id + ".eml");
        Files.writeString(eml, "From: alice@example.org\r\nMessage-ID: <" + id + "@example.org>\r\n\r\nhello\r\n");
        athena.submit(eml, "<>", to);
    }

    private static String deferral(String rcpt) throws IOException {
        return Files.readString(athena.home().resolve("data/log/postrider.log")).lines()
                .filter(l -> l.contains("deferred id=") && l.contains("<" + rcpt + ">")).findFirst().orElse("");
    }

    /** The slow hop takes the only slot; the good hop's message must get it once the slow one's deadline is up. */
    private static void slotIsFreedAfterTheDeadline(Hop slow, String slowRcpt, String id) throws Exception {
        try (Hop good = new Hop("127.0.0.9", Mode.NORMAL)) {
            submit(id + "-slow", slowRcpt);
            Await.until("the slow hop holding the slot", Duration.ofSeconds(30), slow.connections::get, n -> n >= 1);
            submit(id + "-good", "g@good.example");
            Await.until("the next message through the freed slot", Duration.ofSeconds(30),
                    () -> good.messages.size(), n -> n == 1);
            assertTrue(good.messages.get(0).contains("<" + id + "-good@example.org>"), good.messages.toString());
            String deferred = Await.until("the slow hop's message deferred", Duration.ofSeconds(10),
                    () -> deferral(slowRcpt), l -> !l.isEmpty());
            assertTrue(deferred.contains("status=4.4.2"), deferred);
            Await.until("the slow session closed by Athena", Duration.ofSeconds(10), () -> slow.lifetimes.size(),
                    n -> n == slow.connections.get());
            for (long ms : slow.lifetimes) {
                assertTrue(ms < 10_000, "a 2 s deadline, not a byte-by-byte timeout: the session lasted " + ms + " ms");
            }
        }
    }

    @Test
    void aGreetingDribbledByteByByteIsBrokenOffAndTheSlotFreed() throws Exception {
        try (Hop slow = new Hop("127.0.0.7", Mode.DRIBBLE_GREETING)) {
            slotIsFreedAfterTheDeadline(slow, "s@slow.example", "dribbled-greeting");
            assertTrue(deferral("s@slow.example").contains("greeting"), deferral("s@slow.example"));
        }
    }

    @Test
    void aReplyToTheMessageDribbledByteByByteDefersItAndFreesTheSlot() throws Exception {
        try (Hop late = new Hop("127.0.0.8", Mode.DRIBBLE_END_OF_DATA)) {
            slotIsFreedAfterTheDeadline(late, "l@late.example", "dribbled-reply");
            assertEquals(1, late.messages.size());
            assertTrue(deferral("l@late.example").contains("after the message was sent"), deferral("l@late.example"));
        }
    }

    @Test
    void aFailedOpportunisticTlsHandshakeIsRetriedInPlaintextUnlessTlsIsRequired() throws Exception {
        try (Hop hop = new Hop("127.0.0.10", Mode.BROKEN_TLS)) {
            submit("tls-may", "t@badtls.example");
            Await.until("the message over plaintext", Duration.ofSeconds(30), () -> hop.messages.size(), n -> n == 1);
            assertTrue(hop.messages.get(0).contains("<tls-may@example.org>"), hop.messages.toString());
            assertEquals(2, hop.connections.get(), "a TLS attempt, then a new session without STARTTLS");
            assertEquals(1, hop.commands.stream().filter(c -> c.equals("STARTTLS")).count(), hop.commands.toString());

            submit("tls-must", "m@mustls.example");
            String deferred = Await.until("the message for a TLS-only domain deferred", Duration.ofSeconds(30),
                    () -> deferral("m@mustls.example"), l -> !l.isEmpty());
            assertTrue(deferred.contains("status=4.7.5") && deferred.contains("TLS handshake failed"), deferred);
            assertEquals(1, hop.messages.size(), "never sent in plaintext: " + hop.messages);
            assertFalse(hop.commands.stream().anyMatch(c -> c.contains("m@mustls.example")), hop.commands.toString());
        }
    }

    @Test
    void aTlsHandshakePastItsDeadlineDefersTheMessageWithoutAPlaintextRetry() throws Exception {
        try (Hop hop = new Hop("127.0.0.12", Mode.STALLED_TLS)) {
            submit("tls-stalled", "s@stalltls.example");
            String deferred = Await.until("the message deferred", Duration.ofSeconds(30),
                    () -> deferral("s@stalltls.example"), l -> !l.isEmpty());
            assertTrue(deferred.contains("status=4.4.2"), deferred);
            assertEquals(1, hop.connections.get(), "a handshake cut by its deadline is not a TLS failure: no "
                    + "second session in plaintext");
            assertTrue(hop.messages.isEmpty(), hop.messages.toString());
        }
    }
}
