package org.postrider.smtp.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.QueueId;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.SmtpParser;

/** The keys XTRANSFERID gives the queue, and the ids a Postrider sender gives. */
class TransferKeysTest {
    private static Transaction transaction(String id, String... rcpts) throws Exception {
        Transaction t = new Transaction();
        t.transferId = id;
        t.sender = MailAddress.parse("peer@example.net");
        for (String r : rcpts) {
            t.recipients.add(new Recipient(MailAddress.parse(r), Set.of(), null));
        }
        return t;
    }

    /** What the core's IdempotencyKeys takes: 1-255 printable ASCII, no space. */
    private static boolean queueAccepts(String key) {
        return !key.isEmpty() && key.length() <= 255 && key.chars().allMatch(c -> c > 32 && c < 127);
    }

    @Test
    void theKeyIsTheSameForTheSameClientIdSenderAndRecipientsInAnyOrder() throws Exception {
        String k = TransferKeys.key("192.0.2.1", null, transaction("Q1.ab", "a@example.org", "b@example.org"));
        assertEquals(k, TransferKeys.key("192.0.2.1", null, transaction("Q1.ab", "b@example.org", "a@example.org")));
        assertNotEquals(k, TransferKeys.key("192.0.2.2", null, transaction("Q1.ab", "a@example.org", "b@example.org")),
                "another client");
        assertNotEquals(k, TransferKeys.key("192.0.2.1", "u@example.org", transaction("Q1.ab", "a@example.org",
                "b@example.org")), "another login");
        assertNotEquals(k, TransferKeys.key("192.0.2.1", null, transaction("Q1.ab", "a@example.org")),
                "fewer recipients accepted: a new copy, not swallowed");
        assertNotEquals(k, TransferKeys.key("192.0.2.1", null, transaction("Q2.ab", "a@example.org", "b@example.org")));
    }

    @Test
    void everyKeyIsOneTheQueueTakesWhateverTheClientAddressAndLogin() throws Exception {
        String k = TransferKeys.key("fe80:0:0:0:0:0:0:1%ethernet-ünïcode-name", "jürgen@bücher.example",
                transaction("x".repeat(TransferKeys.MAX_ID), "a@example.org"));
        assertTrue(queueAccepts(k), k);
        assertEquals(TransferKeys.key("::1", null, transaction("y", "a@example.org")).length(), k.length());
    }

    @Test
    void onlyIpLiteralsInTheListMatchAndNothingInItIsLookedUp() throws Exception {
        java.net.InetAddress peer = java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 7});
        java.net.InetAddress v6 = java.net.InetAddress.getByName("2001:db8::7");
        // names made of hex letters and malformed quads would be looked up by getByName: skipped
        String noise = "cafe, dead.beef, 256.1.1.1, 1.2.3.4.5, 10.0.0.0/8, [2001:db8::7], 2001:db8::7%eth0, ";
        assertTrue(TransferKeys.listed(noise + "192.0.2.7", peer));
        assertTrue(TransferKeys.listed("::ffff:192.0.2.7", peer), "an IPv4-mapped literal is that address");
        assertTrue(TransferKeys.listed(noise + "2001:DB8:0::7", v6));
        assertFalse(TransferKeys.listed(noise, peer));
        assertFalse(TransferKeys.listed(noise, v6));
        assertFalse(TransferKeys.listed("", peer));
    }

    @Test
    void anIdIsOneToAHundredPrintableCharactersWithoutSpace() throws Exception {
        assertEquals("Q1.ab+cd", TransferKeys.id(SmtpParser.xtext("Q1.ab+2Bcd")));
        for (String bad : List.of("", "a b", "x".repeat(TransferKeys.MAX_ID + 1), "é", "a\tb")) {
            assertThrows(SmtpParser.Invalid.class, () -> TransferKeys.id(bad), bad);
        }
    }

    private static Delivery delivery(String queueId, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        MessageContent c = MessageContent.of(b);
        Envelope e = new Envelope(MailAddress.parse("a@example.org"),
                List.of(new Recipient(MailAddress.parse("x@example.net"), Set.of(), null)), BodyType.SEVEN_BIT, false,
                -1, null, null, new Origin("ESMTP", null, null, null, Instant.now()));
        return new Delivery(new QueueId(queueId), e, c, "example.net", 1);
    }

    @Test
    void theSendersIdIsStableForACopyAndDiffersBetweenCopiesServersAndMessages() throws Exception {
        String body = "Received: from a by hermes; Mon, 30 Nov 2026 10:00:00 +0000\r\nSubject: s\r\n\r\n"
                + "body\r\n".repeat(1000);
        String id = TransferKeys.outgoing(delivery("Q1", body), "hermes");
        assertEquals(id, TransferKeys.outgoing(delivery("Q1", body), "hermes"), "the same on every attempt");
        assertTrue(id.startsWith("Q1."), id);
        assertNotEquals(id, TransferKeys.outgoing(delivery("Q1", "Delivered-To: list@example.org\r\n" + body), "hermes"),
                "the copy a forwarding alias sends is another transfer");
        assertNotEquals(id, TransferKeys.outgoing(delivery("Q1", body), "athena"), "another server's Q1");
        assertNotEquals(id, TransferKeys.outgoing(delivery("Q2", body), "hermes"));
        assertTrue(TransferKeys.id(id).equals(id), "a Postrider receiver takes it");
    }
}
