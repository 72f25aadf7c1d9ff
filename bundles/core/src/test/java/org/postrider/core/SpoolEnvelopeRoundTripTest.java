package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.QueueId;

/** Property: any envelope the parsers accept → spool header → read back gives the same envelope. */
class SpoolEnvelopeRoundTripTest {
    private static final String[] LOCAL_PARTS = {"alice", "\"john doe\"", "\"a\\\"b\"", "\"a\\\\b\"", "\" \"",
        "\"x y.z\"", "jürgen", "\"ünï cödé\"", "a.b+tag", "o'hara", "-", ".", "\"-\"", "\".\"", "x=y", "#$&*/?^`{|}~",
        "\"(comment)\"", "\"a;b,c<d>e[f]g\"", "用户", "\"tab\\\tescaped\""};
    private static final String[] DOMAINS = {"example.org", "bücher.example", "xn--bcher-kva.example", "[192.0.2.1]",
        "[IPv6:2001:db8::1]", "a-b.example.net"};
    private static final String[] TEXTS = {null, "", "-", ".", " ", "env id with spaces\r\nand CRLF", "%41", "ü",
        "rfc822;bob+2B@example.org", "utf-8;\"john doe\"@example.net", "a b  c", "\u0000\u007f", "~!@#$%^&*()"};

    @Test
    void everyEnvelopeRoundTrips() throws Exception {
        Random rnd = new Random(20261129);
        int checked = 0;
        for (int n = 0; n < 5000; n++) {
            Envelope e = randomEnvelope(rnd);
            if (e == null) {
                continue;
            }
            byte[] header = SpoolFormat.header(e);
            SpoolFormat.Parsed p = SpoolFormat.read(new ByteArrayInputStream(header));
            assertEquals(e, p.envelope(), new String(header, StandardCharsets.UTF_8));
            assertEquals(header.length, p.contentOffset());
            checked++;
        }
        assertTrue(checked > 2500, "most generated envelopes are valid: " + checked);
    }

    @Test
    void theReviewersEnvelopeIsQueuedAndReadBack() throws Exception {
        Envelope e = new Envelope(MailAddress.parse("\"john doe\"@example.net"),
                List.of(new Recipient(MailAddress.parse("\"mary ann\"@example.org"), Set.of(DsnNotify.SUCCESS),
                        "rfc822;\"mary ann\"@example.org")), BodyType.EIGHT_BIT_MIME, false, 10, DsnReturn.FULL,
                "-", new Origin("ESMTP", "-", "192.0.2.1", null, Instant.parse("2026-11-29T20:00:00.123456789Z")));
        assertEquals(e, SpoolFormat.read(new ByteArrayInputStream(SpoolFormat.header(e))).envelope());
    }

    @Test
    void firstVersionFilesAreStillRead() throws Exception {
        String v1 = "POSTRIDER-SPOOL 1\nsender alice@example.org\nbody EIGHT_BIT_MIME\nsmtputf8 false\nsize -1\n"
                + "ret -\nenvid -\norigin ESMTP helo 127%2E0%2E0%2E1 - 1732350000000\n"
                + "rcpt bob@example.org FAILURE,DELAY rfc822%3Bbob%40example%2Eorg\n\nbody";
        Envelope e = SpoolFormat.read(new ByteArrayInputStream(v1.getBytes(StandardCharsets.UTF_8))).envelope();
        assertEquals(MailAddress.parse("alice@example.org"), e.sender());
        assertEquals(Instant.ofEpochMilli(1732350000000L), e.origin().received());
        assertEquals("rfc822;bob@example.org", e.recipients().get(0).originalRecipient());
        assertEquals(Set.of(DsnNotify.FAILURE, DsnNotify.DELAY), e.recipients().get(0).notifyOn());
    }

    @Test
    void fieldsWithTooManyOrTooFewValuesAreRefused() {
        String extra = "POSTRIDER-SPOOL 2\nsender . extra\nbody EIGHT_BIT_MIME\norigin . . . . 2026-11-29T20:00:00Z\n"
                + "rcpt bob%40example%2Eorg . .\n\n";
        assertThrows(java.io.IOException.class,
                () -> SpoolFormat.read(new ByteArrayInputStream(extra.getBytes(StandardCharsets.UTF_8))));
        String few = "POSTRIDER-SPOOL 2\norigin . . . 2026-11-29T20:00:00Z\nrcpt bob%40example%2Eorg . .\n\n";
        assertThrows(java.io.IOException.class,
                () -> SpoolFormat.read(new ByteArrayInputStream(few.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anEnvelopeTheFormatCannotHoldIsRefusedBeforeAnythingIsWritten() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("spool");
        Spool spool = new Spool(dir);
        Envelope noTime = new Envelope(null, List.of(Recipient.of(MailAddress.parse("bob@example.org"))),
                BodyType.SEVEN_BIT, false, -1, null, null, new Origin("ESMTP", null, null, null, null));
        assertThrows(Spool.UnspoolableEnvelope.class, () -> spool.begin(new QueueId("X1"), noTime, new byte[0]));
        try (var files = java.nio.file.Files.list(dir.resolve("incoming"))) {
            assertEquals(0, files.count(), "nothing begun");
        }
    }

    static Envelope randomEnvelope(Random rnd) {
        try {
            MailAddress sender = rnd.nextInt(5) == 0 ? null : address(rnd);
            List<Recipient> rcpts = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
                for (DsnNotify d : DsnNotify.values()) {
                    if (rnd.nextInt(3) == 0) {
                        notify.add(d);
                    }
                }
                rcpts.add(new Recipient(address(rnd), notify, pick(rnd, TEXTS)));
            }
            BodyType[] bodies = BodyType.values();
            DsnReturn[] rets = DsnReturn.values();
            return new Envelope(sender, rcpts, bodies[rnd.nextInt(bodies.length)], rnd.nextBoolean(),
                    rnd.nextInt(3) == 0 ? -1 : rnd.nextLong(Long.MAX_VALUE),
                    rnd.nextInt(3) == 0 ? null : rets[rnd.nextInt(rets.length)], pick(rnd, TEXTS),
                    new Origin(pick(rnd, TEXTS), pick(rnd, TEXTS), pick(rnd, TEXTS), pick(rnd, TEXTS),
                            Instant.ofEpochSecond(rnd.nextInt(2_000_000_000), rnd.nextInt(1_000_000_000)),
                            pick(rnd, TEXTS)));
        } catch (InvalidAddressException e) {
            return null;
        }
    }

    private static MailAddress address(Random rnd) throws InvalidAddressException {
        return MailAddress.parse(pick(rnd, LOCAL_PARTS) + "@" + pick(rnd, DOMAINS));
    }

    private static String pick(Random rnd, String[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
