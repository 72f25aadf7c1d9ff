package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.postrider.api.queue.QueueId;

/** The idempotency log is pruned while the queue runs, not only at its start. */
class IdempotencyKeysTest {
    @Test
    void keysPastTheirRetentionAreDroppedWhileRunningAndTheLogStaysBounded() throws Exception {
        Path root = Files.createTempDirectory("idkeys");
        AtomicLong now = new AtomicLong(1_000_000);
        IdempotencyKeys keys = new IdempotencyKeys(root, Duration.ofHours(1), now::get);
        keys.queued("internal:old", new QueueId("OLD1"));
        keys.leaving(new QueueId("OLD1"));
        assertTrue(keys.lookup("internal:old").isPresent());

        now.addAndGet(Duration.ofHours(2).toMillis()); // the old key's retention is over
        for (int i = 0; i < 5000; i++) {
            QueueId id = new QueueId("N" + i);
            keys.queued("internal:k" + i, id);
            keys.leaving(id);
        }
        assertFalse(keys.lookup("internal:old").isPresent(), "forgotten once its retention is over");
        assertFalse(Files.readString(root.resolve(IdempotencyKeys.LOG_FILE)).contains("internal%3Aold"),
                "and gone from the log");
        assertTrue(keys.lookup("internal:k4999").isPresent() && keys.lookup("internal:k0").isPresent(),
                "the young keys are all kept");
        long lines = Files.readAllLines(root.resolve(IdempotencyKeys.LOG_FILE)).size();
        assertEquals(5000, lines, "each young key once in the log");
        keys.close();

        IdempotencyKeys again = new IdempotencyKeys(root, Duration.ofHours(1), now::get);
        assertTrue(again.lookup("internal:k1234").isPresent(), "the compacted log is read at the next start");
        again.close();
    }

    @Test
    void anInterruptThatClosedTheLogDoesNotStopLaterMessagesFromLeavingAndAfterCloseNothingIsWritten()
            throws Exception {
        Path root = Files.createTempDirectory("idkeys");
        IdempotencyKeys keys = new IdempotencyKeys(root, Duration.ofHours(1));
        keys.queued("internal:a", new QueueId("A1"));
        Thread.currentThread().interrupt(); // as a stop's shutdownNow would, mid-removal
        try {
            keys.leaving(new QueueId("A1"));
            throw new AssertionError("an interrupted write fails");
        } catch (java.nio.channels.ClosedByInterruptException expected) {
            assertTrue(Thread.interrupted());
        }
        keys.leaving(new QueueId("A1")); // the channel the interrupt closed is opened again
        keys.queued("internal:b", new QueueId("B1"));
        keys.leaving(new QueueId("B1"));
        String log = Files.readString(root.resolve(IdempotencyKeys.LOG_FILE));
        assertTrue(log.contains("internal%3Aa A1 ") && log.contains("internal%3Ab B1 "), log);

        keys.queued("internal:c", new QueueId("C1"));
        keys.close();
        assertThrows(java.io.IOException.class, () -> keys.leaving(new QueueId("C1")));
        assertFalse(Files.readString(root.resolve(IdempotencyKeys.LOG_FILE)).contains("C1"),
                "a closed log is not written again");
    }
}
