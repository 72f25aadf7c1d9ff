package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.message.TypedProperties;
import org.postrider.api.queue.QueueId;

class SpoolFormatTest {
    static Envelope envelope() throws Exception {
        return new Envelope(MailAddress.parse("jürgen@bücher.example"),
                List.of(new Recipient(MailAddress.parse("bob@example.org"), Set.of(DsnNotify.FAILURE, DsnNotify.DELAY),
                        "rfc822;bob@example.org"), Recipient.of(MailAddress.parse("carol@example.net"))),
                BodyType.EIGHT_BIT_MIME, true, 1234, DsnReturn.HEADERS, "env id with spaces\r\nand CRLF",
                new Origin("ESMTPSA", "client.example", "192.0.2.7", "alice@example.org",
                        Instant.ofEpochMilli(1_700_000_000_123L)));
    }

    @Test
    void roundTripsEveryEnvelopeFieldAndFindsTheContent() throws Exception {
        Envelope e = envelope();
        byte[] header = SpoolFormat.header(e);
        byte[] file = concat(header, "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
        SpoolFormat.Parsed p = SpoolFormat.read(new ByteArrayInputStream(file));
        assertEquals(e, p.envelope());
        assertEquals(header.length, p.contentOffset());
        assertTrue(new String(header, StandardCharsets.UTF_8).lines().noneMatch(l -> l.contains("\r")),
                "free text must not carry CR or LF into the spool header");
    }

    /** Octets of every value, line ends and NULs among them: the line must hold them all. */
    private static TypedProperties typed() {
        byte[] b = new byte[1000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        b[0] = '\n';
        b[1] = '\r';
        return TypedProperties.of(b);
    }

    @Test
    void theTypedPropertySetRoundTripsOnOneLineOfItsOwn() throws Exception {
        Envelope e = envelope().withProperties(typed());
        byte[] header = SpoolFormat.header(e, "internal:athena:k1");
        SpoolFormat.Parsed p = SpoolFormat.read(new ByteArrayInputStream(concat(header, "x\r\n".getBytes())));
        assertEquals(e, p.envelope());
        assertEquals(typed(), p.envelope().properties());
        assertEquals("internal:athena:k1", p.idempotencyKey());
        assertEquals(header.length, p.contentOffset());
        assertEquals(1, new String(header, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("props ")).count());
        // the router splits the envelope per destination: each part keeps the set
        assertEquals(typed(), e.withRecipients(List.of(e.recipients().get(1))).properties());
    }

    @Test
    void theLargestSetFitsTheHeader() throws Exception {
        Envelope e = envelope().withProperties(TypedProperties.of(new byte[TypedProperties.MAX_OCTETS]));
        assertEquals(e, SpoolFormat.read(new ByteArrayInputStream(SpoolFormat.header(e))).envelope());
    }

    @Test
    void spoolFilesWrittenBeforeThePropertyLineHaveNoSet() throws Exception {
        String v2 = "POSTRIDER-SPOOL 2\nsender alice%40example%2Eorg\nbody EIGHT_BIT_MIME\nsmtputf8 false\nsize -1\n"
                + "ret .\nenvid .\norigin internal athena 127%2E0%2E0%2E1 . 2026-11-29T20:00:00Z\norgserver athena\n"
                + "idkey internal%3Aathena%3Ak\nrcpt bob%40example%2Enet . .\n\nSubject: x\r\n";
        SpoolFormat.Parsed p = SpoolFormat.read(new ByteArrayInputStream(v2.getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, p.envelope().properties());
        assertEquals("athena", p.envelope().origin().orgServer());
        assertEquals(v2.indexOf("Subject"), p.contentOffset());
        String v1 = "POSTRIDER-SPOOL 1\nsender alice@example.org\nbody EIGHT_BIT_MIME\nsmtputf8 false\nsize -1\n"
                + "ret -\nenvid -\norigin ESMTP helo 127%2E0%2E0%2E1 - 1732350000000\nrcpt bob@example.org - -\n\n";
        assertEquals(null, SpoolFormat.read(new ByteArrayInputStream(v1.getBytes(StandardCharsets.UTF_8))).envelope()
                .properties());
    }

    @Test
    void aDamagedPropertyLineIsRefused() throws Exception {
        String good = new String(SpoolFormat.header(envelope().withProperties(typed())), StandardCharsets.UTF_8);
        String line = good.lines().filter(l -> l.startsWith("props ")).findFirst().orElseThrow();
        for (String bad : new String[] {"props ", "props %%%%", "props QUJD\tRA==", "props QUJD RA==",
            "props QUJDRA=", "props " + line.substring(6, 30) + "\u00e9"}) {
            String tampered = good.replace(line, bad);
            assertThrows(IOException.class, () -> SpoolFormat.read(new ByteArrayInputStream(
                    tampered.getBytes(StandardCharsets.UTF_8))), bad);
        }
    }

    @Test
    void theSetSurvivesARestartOfTheSpool() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("spool");
        Spool spool = new Spool(dir);
        Spool.Writer w = spool.begin(new QueueId("P1"), envelope().withProperties(typed()), new byte[0]);
        w.content.write("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
        w.commit();
        spool.close(); // what a kill -9 leaves: the committed file, nothing in memory

        Spool again = new Spool(dir);
        assertEquals(List.of(new QueueId("P1")), again.committed());
        assertEquals(typed(), again.readHeader(new QueueId("P1")).envelope().properties());
        again.close();
    }

    @Test
    void nullSenderAndTamperedFilesAreHandled() throws Exception {
        Envelope e = Envelope.of(null, List.of(MailAddress.parse("bob@example.org")), Origin.local("local"));
        assertEquals(null, SpoolFormat.read(new ByteArrayInputStream(SpoolFormat.header(e))).envelope().sender());
        assertThrows(IOException.class, () -> SpoolFormat.read(new ByteArrayInputStream("garbage\n\n".getBytes())));
        String evil = new String(SpoolFormat.header(e), StandardCharsets.UTF_8)
                .replace("rcpt bob%40example%2Eorg", "rcpt bob%25evil%40example%2Eorg");
        assertThrows(IOException.class, () -> SpoolFormat.read(new ByteArrayInputStream(evil.getBytes())));
        byte[] truncated = java.util.Arrays.copyOf(SpoolFormat.header(e), 20);
        assertThrows(IOException.class, () -> SpoolFormat.read(new ByteArrayInputStream(truncated)));
    }

    @Test
    void stateRoundTrips() throws Exception {
        MessageState s = MessageState.fresh(2);
        s.attempts = 3;
        s.nextAttempt = 42;
        s.held = true;
        s.lastError = "4.4.1 connection refused\r\nby host";
        s.rcpts.get(0).status = MessageState.Status.FAILED;
        s.rcpts.get(0).code = "5.1.1";
        s.rcpts.get(0).diagnostic = "550 no such user";
        s.rcpts.get(1).done.add("alice@example.org");
        s.rcpts.get(1).success = "relayed";
        MessageState back = MessageState.decode(new String(s.encode(), StandardCharsets.UTF_8), 2);
        assertEquals(3, back.attempts);
        assertEquals(42, back.nextAttempt);
        assertTrue(back.held);
        assertEquals(s.lastError, back.lastError);
        assertEquals(MessageState.Status.FAILED, back.rcpts.get(0).status);
        assertEquals("550 no such user", back.rcpts.get(0).diagnostic);
        assertEquals(Set.of("alice@example.org"), back.rcpts.get(1).done);
        assertEquals("relayed", back.rcpts.get(1).success);
        assertFalse(back.rcpts.get(1).successNotified, "a success notice not yet sent is still due after a restart");
        assertEquals(null, back.rcpts.get(0).success);
    }

    @Test
    void stateKeepsDashesEmptiesMemberFailuresAndPendingNoticesAndReadsFirstVersionFiles() throws Exception {
        MessageState s = MessageState.fresh(1);
        s.lastError = "-";
        s.rcpts.get(0).code = "";
        s.rcpts.get(0).remoteHost = "";
        s.rcpts.get(0).memberFailures.add(new MessageState.MemberFailure("x@scripted.test", "5.1.2", "-", ""));
        s.pendingNotices.put(DsnBuilder.Kind.FAILED, "NOTICE1");
        MessageState back = MessageState.decode(new String(s.encode(), StandardCharsets.UTF_8), 1);
        assertEquals("-", back.lastError);
        assertEquals("", back.rcpts.get(0).code);
        assertEquals("", back.rcpts.get(0).remoteHost);
        assertEquals(s.rcpts.get(0).memberFailures, back.rcpts.get(0).memberFailures);
        assertEquals("NOTICE1", back.pendingNotices.get(DsnBuilder.Kind.FAILED));
        MessageState v1 = MessageState.decode("attempts 2\nnext 5\nheld false\ndelay-notified false\nerror -\n"
                + "r 0 PENDING - 4%2E4%2E1%20later -\n", 1);
        assertEquals(2, v1.attempts);
        assertEquals(null, v1.lastError);
        assertEquals("4.4.1 later", v1.rcpts.get(0).diagnostic);
        assertThrows(IOException.class, () -> MessageState.decode("version 2\nr 0 PENDING . .\n", 1));
    }

    @Test
    void hopCounterCountsReceivedFieldsOfTheHeaderOnly() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HopCounter c = new HopCounter(sink);
        String msg = "Received: from a\r\n\tby b\r\nRECEIVED: x\r\nX-Received: no\r\nSubject: s\r\n\r\n"
                + "Received: in the body does not count\r\n";
        byte[] bytes = msg.getBytes(StandardCharsets.US_ASCII);
        c.write(bytes, 0, 10);
        c.write(bytes, 10, bytes.length - 10);
        assertEquals(2, c.hops());
        assertEquals(msg, sink.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void queueIdsAreUniqueOrderedAndCarryTheirTime() {
        long before = System.currentTimeMillis();
        QueueId a = QueueIds.next();
        QueueId b = QueueIds.next();
        assertTrue(a.value().compareTo(b.value()) < 0 || a.value().substring(0, 8).equals(b.value().substring(0, 8)));
        assertTrue(!a.equals(b));
        long t = QueueIds.millis(a);
        assertTrue(t >= before && t <= System.currentTimeMillis(), String.valueOf(t));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
