package org.postrider.itest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The cap on a delivery attempt (maxAttemptTime) bounds the dialogue, not the wait for the
 * reply to the end of the message: a hop that has the whole message and answers after the
 * cap, within dataDoneTimeout, gets it once, and the message is not deferred (hung up on,
 * the message would go again at the next attempt: a duplicate).
 */
class SmtpOutAttemptCapIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static TestDns dns;
    static Instance athena;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        dns = new TestDns();
        dns.mx("ponder.example", 10, "mx.ponder.example").a("mx.ponder.example", "127.0.0.11");
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000"));
        athena.config("org.postrider.smtp.client", Map.ofEntries(Map.entry("port", String.valueOf(port)),
                Map.entry("dataBlockTimeout", "5s"), Map.entry("dataDoneTimeout", "15s"),
                Map.entry("maxAttemptTime", "2s"), Map.entry("connectionCacheTime", "0s")));
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s", "delayWarning", "1h"));
        athena.start();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /** A next hop that answers the end of each message only after {@code replyDelay}. */
    static final class SlowToAnswerHop implements AutoCloseable {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket();
        private final long replyDelay;

        SlowToAnswerHop(String address, long replyDelay) throws IOException {
            this.replyDelay = replyDelay;
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
            try (c) {
                c.setSoTimeout(60_000);
                OutputStream out = c.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.UTF_8));
                out.write("220 hop ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    String verb = l.toUpperCase(Locale.ROOT);
                    if (verb.startsWith("EHLO")) {
                        out.write("250-hop\r\n250 8BITMIME\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else if (verb.equals("DATA")) {
                        out.write("354 go on\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        StringBuilder m = new StringBuilder();
                        for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                            m.append(d).append('\n');
                        }
                        messages.add(m.toString());
                        Thread.sleep(replyDelay);
                        out.write("250 2.0.0 taken\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else if (verb.equals("QUIT")) {
                        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    } else {
                        out.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client left
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static List<String> log(String rcpt) throws IOException {
        return Files.readString(athena.home().resolve("data/log/postrider.log")).lines()
                .filter(l -> l.contains("<" + rcpt + ">") && (l.contains("delivered id=") || l.contains("deferred id=")))
                .toList();
    }

    @Test
    void aHopThatAnswersTheEndOfTheMessageAfterTheCapGetsItOnceAndItIsNotDeferred() throws Exception {
        try (SlowToAnswerHop hop = new SlowToAnswerHop("127.0.0.11", 4_000)) {
            Path eml = athena.home().resolve("ponder.eml");
            Files.writeString(eml, "From: alice@example.org\r\nMessage-ID: <ponder@example.org>\r\n\r\nhello\r\n");
            athena.submit(eml, "<>", "p@ponder.example");
            List<String> outcome = Await.until("the outcome of the delivery", Duration.ofSeconds(30),
                    () -> log("p@ponder.example"), l -> !l.isEmpty());
            assertTrue(outcome.get(0).contains("delivered id="), "taken after the 2 s cap, within the 15 s "
                    + "dataDoneTimeout: " + outcome);
            Thread.sleep(6_000); // a retry (every second) would have reached the hop and been answered by now
            assertEquals(1, hop.messages.size(), "the message went once: " + hop.messages);
            assertEquals(1, hop.connections.get());
            assertEquals(1, log("p@ponder.example").size(), log("p@ponder.example").toString());
        }
    }
}
