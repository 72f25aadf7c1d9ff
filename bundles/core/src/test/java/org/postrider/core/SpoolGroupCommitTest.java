package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.QueueId;
import org.postrider.kit.durable.GroupSync;

/**
 * Concurrent submissions, state writes and removals share the fsyncs of queue/, and each
 * still returns (for a submission: is answered "250") only once what it did is durable: its
 * file forced before the rename, and a directory sync begun after its rename (or deletion)
 * has ended. The directory sync here records what queue/ held when it began: that is what
 * it makes durable.
 */
class SpoolGroupCommitTest {
    private static final int N = 32;

    /** A slow directory sync that remembers what each one made durable, and checks every file in it was forced. */
    private static final class RecordingSync implements GroupSync.Syncer {
        final Path queue;
        final Set<String> forced = ConcurrentHashMap.newKeySet();
        final AtomicInteger started = new AtomicInteger();
        /** Each completed sync: its start number and the names queue/ held when it began. */
        final List<Object[]> completed = new CopyOnWriteArrayList<>();
        final List<String> unforced = new CopyOnWriteArrayList<>();

        RecordingSync(Path queue) {
            this.queue = queue;
        }

        @Override
        public void sync() throws IOException {
            int number = started.incrementAndGet();
            Set<String> names;
            try (Stream<Path> s = Files.list(queue)) {
                names = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            }
            for (String n : names) {
                if (n.endsWith(".msg") && !forced.contains(n.substring(0, n.length() - 4))) {
                    unforced.add(n);
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            completed.add(new Object[] {number, names});
        }

        @SuppressWarnings("unchecked")
        boolean durablyHas(String name) {
            return completed.stream().anyMatch(c -> ((Set<String>) c[1]).contains(name));
        }

        /** A sync that began after {@code after} syncs had begun has completed without the name. */
        @SuppressWarnings("unchecked")
        boolean durablyGone(String name, int after) {
            return completed.stream().anyMatch(c -> (int) c[0] > after && !((Set<String>) c[1]).contains(name));
        }
    }

    private static Envelope envelope() throws Exception {
        return Envelope.of(MailAddress.parse("bob@example.net"), List.of(MailAddress.parse("alice@example.org")),
                new Origin("smtp", "client.example.net", "127.0.0.1", null, java.time.Instant.now()));
    }

    private static void concurrently(int n, ThrowingIndex task) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> all = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int index = i;
                all.add(pool.submit(() -> {
                    go.await();
                    task.run(index);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        }
    }

    private interface ThrowingIndex {
        void run(int i) throws Exception;
    }

    @Test
    void concurrentSubmissionsShareDirectorySyncsAndEachCommitsOnlyOnceItsFileAndRenameAreDurable()
            throws Exception {
        Path dir = Files.createTempDirectory("spool");
        RecordingSync rec = new RecordingSync(dir.resolve("queue"));
        Spool spool = new Spool(dir, Duration.ofDays(6), new GroupSync(rec), (channel, file) -> {
            channel.force(true);
            rec.forced.add(file.getFileName().toString());
        });
        concurrently(N, i -> {
            Spool.Writer w = spool.begin(new QueueId("M" + i), envelope(), new byte[0]);
            w.content.write(("Subject: " + i + "\r\n\r\nhi\r\n").getBytes(StandardCharsets.US_ASCII));
            w.commit(); // what "250" waits for
            assertTrue(rec.durablyHas("M" + i + ".msg"), "M" + i + " answered before a sync after its rename ended");
        });
        assertEquals(List.of(), rec.unforced, "renamed into queue/ before their content was forced");
        assertTrue(rec.started.get() < N, "shared: " + rec.started.get() + " directory syncs for " + N + " submissions");
    }

    @Test
    void concurrentStateWritesAndRemovalsShareDirectorySyncsAndEachIsDurableWhenItReturns() throws Exception {
        Path dir = Files.createTempDirectory("spool");
        RecordingSync rec = new RecordingSync(dir.resolve("queue"));
        Spool spool = new Spool(dir, Duration.ofDays(6), new GroupSync(rec), (channel, file) -> {
            channel.force(true);
            rec.forced.add(file.getFileName().toString());
        });
        for (int i = 0; i < N; i++) {
            Spool.Writer w = spool.begin(new QueueId("M" + i), envelope(), new byte[0]);
            w.content.write("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
            w.commit();
        }
        int before = rec.started.get();
        concurrently(N, i -> {
            spool.writeState(new QueueId("M" + i), MessageState.fresh(1));
            assertTrue(rec.durablyHas("M" + i + ".state"), "M" + i + "'s state returned before it was durable");
        });
        assertTrue(rec.started.get() - before < N,
                "state writes shared: " + (rec.started.get() - before) + " directory syncs for " + N);

        int beforeRemovals = rec.started.get();
        concurrently(N, i -> {
            int now = rec.started.get();
            spool.remove(new QueueId("M" + i));
            assertTrue(rec.durablyGone("M" + i + ".msg", now), "M" + i + " removed before its deletion was durable");
        });
        assertTrue(rec.started.get() - beforeRemovals < N,
                "removals shared: " + (rec.started.get() - beforeRemovals) + " directory syncs for " + N);
    }
}
