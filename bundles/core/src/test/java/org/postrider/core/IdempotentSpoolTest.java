package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.QueueId;

/** The spool's idempotency keys: one message per key, across a restart and after the message left. */
class IdempotentSpoolTest {
    private static Envelope envelope() throws Exception {
        return Envelope.of(MailAddress.parse("bob@example.net"), List.of(MailAddress.parse("alice@example.org")),
                new Origin("internal", "hermes", "127.0.0.1", null, java.time.Instant.now(), "hermes"));
    }

    private static QueueId submit(Spool spool, String id, String key) throws Exception {
        Spool.Writer w = spool.begin(new QueueId(id), envelope(), new byte[0], key);
        w.content.write("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
        QueueId earlier = w.commitOnce();
        return earlier == null ? w.id : earlier;
    }

    @Test
    void aSecondSubmissionUnderAKeyStoresNothingAndNamesTheFirst() throws Exception {
        Path dir = Files.createTempDirectory("spool");
        Spool spool = new Spool(dir, Duration.ofDays(6));
        assertEquals(new QueueId("A1"), submit(spool, "A1", "internal:hermes:t1"));
        assertEquals(new QueueId("A1"), submit(spool, "A2", "internal:hermes:t1"));
        assertFalse(spool.contains(new QueueId("A2")));
        assertFalse(Files.exists(dir.resolve("incoming/A2")));
        assertEquals(new QueueId("B1"), submit(spool, "B1", "internal:hermes:t2"));
        assertEquals(List.of(new QueueId("A1"), new QueueId("B1")), spool.committed());
    }

    @Test
    void theKeyOutlivesTheMessageAndARestart() throws Exception {
        Path dir = Files.createTempDirectory("spool");
        Spool spool = new Spool(dir, Duration.ofDays(6));
        submit(spool, "A1", "k1");
        submit(spool, "C1", "k3");
        spool.remove(new QueueId("A1")); // delivered
        spool.close();

        Spool again = new Spool(dir, Duration.ofDays(6)); // a restart: C1 is found by recovery
        for (QueueId id : again.committed()) {
            again.readHeader(id);
        }
        assertEquals(Optional.of(new QueueId("A1")), again.committedWith("k1"));
        assertEquals(Optional.of(new QueueId("C1")), again.committedWith("k3"));
        assertEquals(new QueueId("A1"), submit(again, "A3", "k1"));
        assertEquals(List.of(new QueueId("C1")), again.committed());
        assertEquals(Optional.empty(), again.committedWith("k2"));
    }

    @Test
    void keysOlderThanTheRetentionAreForgottenAndATornLineIgnored() throws Exception {
        Path dir = Files.createTempDirectory("spool");
        Files.writeString(dir.resolve(IdempotencyKeys.LOG_FILE), "old Q1 1000\nnew Q2 " + System.currentTimeMillis()
                + "\ntorn Q3 17");
        Spool spool = new Spool(dir, Duration.ofDays(6));
        assertEquals(Optional.empty(), spool.committedWith("old"));
        assertEquals(Optional.of(new QueueId("Q2")), spool.committedWith("new"));
        assertEquals(Optional.empty(), spool.committedWith("torn"));
        String log = Files.readString(dir.resolve(IdempotencyKeys.LOG_FILE));
        assertTrue(log.startsWith("new Q2 ") && log.endsWith("\n") && !log.contains("old"), log);
    }

    @Test
    void theKeyIsInTheSpoolHeaderAndReadBack() throws Exception {
        byte[] h = SpoolFormat.header(envelope(), "internal:hermes:hermes.Q1.00ff");
        SpoolFormat.Parsed p = SpoolFormat.read(new java.io.ByteArrayInputStream(h));
        assertEquals("internal:hermes:hermes.Q1.00ff", p.idempotencyKey());
        assertNull(SpoolFormat.read(new java.io.ByteArrayInputStream(SpoolFormat.header(envelope())))
                .idempotencyKey());
    }
}
