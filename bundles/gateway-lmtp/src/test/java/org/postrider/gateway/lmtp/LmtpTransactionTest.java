package org.postrider.gateway.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.RecipientResult;

/** The LMTP dialogue against a scripted server on loopback: per-recipient results, dot-stuffing, lost connections. */
class LmtpTransactionTest {
    private static final String TEXT = "Subject: t\r\n\r\n.leading dot\r\nbody\r\n..two\r\n";

    @Test
    void eachRecipientGetsWhatTheServerSaidAboutItAndTheTextIsStuffed() throws Exception {
        List<String> seen = new ArrayList<>();
        List<RecipientResult> results = run(line -> {
            seen.add(line);
            if (line.startsWith("RCPT TO:<nobody@")) {
                return "550 5.1.1 no such user";
            }
            return null;
        }, List.of("250 2.0.0 <a@legacy.example> saved", "452 4.2.2 <full@legacy.example> mailbox full"),
                "a@legacy.example", "nobody@legacy.example", "full@legacy.example");
        assertEquals(List.of(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.RETRY),
                results.stream().map(RecipientResult::status).toList());
        assertEquals("5.1.1", results.get(1).enhancedCode());
        assertEquals("4.2.2", results.get(2).enhancedCode());
        int data = seen.indexOf("DATA");
        assertTrue(data > 0, seen.toString());
        assertEquals(List.of("Subject: t", "", "..leading dot", "body", "...two", "."),
                seen.subList(data + 1, data + 7), "dot-stuffed and ended");
        assertTrue(seen.get(0).startsWith("LHLO "), seen.toString());
    }

    /** A custom recipient of the Directory: the foreign server is given the foreign address, not ours. */
    @Test
    void aCustomRecipientIsDeliveredToItsForeignAddress() throws Exception {
        List<String> seen = new ArrayList<>();
        List<RecipientResult> results = run("SMTP:j.smith@legacy.example", line -> {
            seen.add(line);
            return null;
        }, List.of("250 2.0.0 saved"), "smith@example.org");
        assertEquals(List.of(DeliveryStatus.DELIVERED), results.stream().map(RecipientResult::status).toList());
        assertTrue(seen.contains("RCPT TO:<j.smith@legacy.example>"), seen.toString());
        assertTrue(seen.stream().noneMatch(l -> l.contains("smith@example.org")), seen.toString());

        List<RecipientResult> bad = run("SMTP:not an address", line -> null, List.of(), "smith@example.org");
        assertEquals(DeliveryStatus.FAILED, bad.get(0).status(), "a foreign address that is none is refused here");
        assertEquals("5.1.3", bad.get(0).enhancedCode());
    }

    @Test
    void aConnectionLostAfterTheTextLeavesTheUnansweredToBeTriedAgain() throws Exception {
        List<RecipientResult> results = run(line -> null, List.of("250 2.0.0 ok", "DROP"), "a@legacy.example",
                "b@legacy.example");
        assertEquals(List.of(DeliveryStatus.DELIVERED, DeliveryStatus.RETRY),
                results.stream().map(RecipientResult::status).toList());
    }

    @Test
    void aHostileReplyIsAProtocolErrorNotAnEndlessRead() throws Exception {
        ReplyParser p = new ReplyParser();
        for (int i = 0; i < ReplyParser.MAX_LINES; i++) {
            p.feed("250-line");
        }
        assertThrows(ReplyParser.ProtocolException.class, () -> p.feed("250-one too many"));
        assertThrows(ReplyParser.ProtocolException.class, () -> new ReplyParser().feed("hello"));
        ReplyParser q = new ReplyParser();
        q.feed("250-a");
        assertThrows(ReplyParser.ProtocolException.class, () -> q.feed("550 b"));
        assertEquals("4.2.2", new ReplyParser().feed("452 4.2.2 full").enhancedCode());
        assertEquals(null, new ReplyParser().feed("452 5.2.2 class differs").enhancedCode());
        assertEquals("a?b", new ReplyParser().feed("250 a\u0001b").lines().get(0));
    }

    @Test
    void addressSpacesAreParsedFromConfiguration() {
        var s = LmtpGateway.parseSpaces(new String[] {"SMTP:*@legacy.example.org;1", " X400:c=US;a=x;p=y;5 ", ""});
        assertEquals(2, s.size());
        assertEquals("c=US;a=x;p=y", s.get(1).pattern());
        assertEquals(5, s.get(1).cost());
        assertThrows(IllegalArgumentException.class, () -> LmtpGateway.parseSpaces(new String[] {"*@x;1"}));
        assertThrows(IllegalArgumentException.class, () -> LmtpGateway.parseSpaces(new String[] {"SMTP:*@x;0"}));
    }

    /**
     * A scripted LMTP server: the hook may answer a command line itself (non-null); after the
     * text it sends the given final replies, one per accepted recipient ("DROP" closes).
     */
    private static List<RecipientResult> run(Function<String, String> hook, List<String> finals, String... rcpts)
            throws Exception {
        return run("lmtp", hook, finals, rcpts);
    }

    private static List<RecipientResult> run(String destination, Function<String, String> hook, List<String> finals,
            String... rcpts) throws Exception {
        try (ServerSocket ss = new ServerSocket(0)) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> serve(ss, hook, finals));
            List<MailAddress> to = new ArrayList<>();
            for (String r : rcpts) {
                to.add(MailAddress.parse(r));
            }
            Envelope e = Envelope.of(MailAddress.parse("alice@example.org"), to, new Origin("ESMTP", null, null, null,
                    Instant.now()));
            byte[] text = TEXT.getBytes(StandardCharsets.US_ASCII);
            MessageContent content = MessageContent.of(text);
            try (LmtpConnection c = new LmtpConnection("127.0.0.1", ss.getLocalPort(), Duration.ofSeconds(5),
                    Duration.ofSeconds(5), Duration.ofSeconds(20))) {
                List<RecipientResult> r = new LmtpTransaction(c, "test", "fake").run(new Delivery(new QueueId("Q1"),
                        e, content, destination, 1));
                server.get();
                return r;
            }
        }
    }

    private static void serve(ServerSocket ss, Function<String, String> hook, List<String> finals) {
        try (Socket s = ss.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            say(out, "220 fake LMTP");
            int accepted = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String own = hook.apply(line);
                if (own != null) {
                    say(out, own);
                    continue;
                }
                if (line.startsWith("LHLO")) {
                    say(out, "250-fake\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES");
                } else if (line.startsWith("RCPT")) {
                    accepted++;
                    say(out, "250 2.1.5 ok");
                } else if (line.equals("DATA")) {
                    say(out, "354 go ahead");
                    String t;
                    while ((t = in.readLine()) != null && !t.equals(".")) {
                        hook.apply(t);
                    }
                    hook.apply(".");
                    for (int i = 0; i < accepted; i++) {
                        if (finals.get(i).equals("DROP")) {
                            return;
                        }
                        say(out, finals.get(i));
                    }
                } else if (line.equals("QUIT")) {
                    say(out, "221 bye");
                    return;
                } else {
                    say(out, "250 ok");
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void say(OutputStream out, String reply) throws java.io.IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
