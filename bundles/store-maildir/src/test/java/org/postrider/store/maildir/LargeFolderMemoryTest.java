package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidSet;

/**
 * Memory of open folders, measured: a 100,000-message folder costs a few MiB while open
 * (counted by the index's own accounting and by the heap after a collection) and nothing
 * once closed; 1,000 users' folders opened once each stay within the configured budget.
 * Times are printed for the README's figures, not asserted.
 */
class LargeFolderMemoryTest {
    private static final String USER = "alice@example.org";

    @TempDir
    Path root;

    /** Fills a Maildir with files as another tool would leave them (no index). */
    static void fill(Path maildir, int count) throws IOException {
        for (String sub : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(maildir.resolve(sub));
        }
        byte[] body = "Subject: m\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            String flags = i % 3 == 0 ? "" : "S";
            Files.write(maildir.resolve("cur/17000" + (i % 100000) + ".M" + i + "P1.bench,S=" + body.length + ":2,"
                    + flags), body);
        }
    }

    /**
     * Fills a Maildir as Postrider leaves it, index included, without an fsync (a test's
     * shortcut: a thousand folders built through deliveries would spend minutes in fsyncs).
     */
    static void fillIndexed(Path maildir, int count) throws IOException {
        fill(maildir, 0);
        StringBuilder log = new StringBuilder("V 1700000000 " + (count + 1) + " " + count + "\n");
        for (int i = 1; i <= count; i++) {
            String base = "1700000000.M" + i + "Q00000000000000" + String.format("%02x", i % 256) + "Fdeadbeef"
                    + "U" + i + ".bench,S=20";
            Files.write(maildir.resolve("cur/" + base + ":2,S"), new byte[20]);
            log.append(IndexLog.added(i, i, 20, 1700000000000L, java.util.Set.of(org.postrider.api.store.Flag.SEEN),
                    base, "cur/" + base + ":2,S", java.util.Set.of())).append('\n');
        }
        Files.writeString(maildir.resolve(IndexLog.FILE), log);
        Files.writeString(maildir.resolve(MaildirFolder.UIDVALIDITY_FILE), "1700000000\n");
        Files.writeString(maildir.resolve(HighWater.FILE), (count + 1000) + " " + (count + 1000) + " deadbeef\n");
    }

    static long usedHeap() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    @Test
    void aHundredThousandMessageFolderCostsAFewMiBWhileOpenAndNothingClosed() throws Exception {
        int n = 100_000;
        Path maildir = FolderNames.userDir(root, USER);
        fill(maildir, n);
        MaildirStore first = new MaildirStore(root, "athena", 1000);
        long t0 = System.nanoTime();
        assertEquals(n, first.summary(USER, "INBOX", false).messages()); // SELECT builds the index from the names
        long built = System.nanoTime() - t0;
        t0 = System.nanoTime();
        assertEquals(n * 21L, first.summary(USER, "INBOX").bytes()); // STATUS SIZE counts every size, once
        long counted = System.nanoTime() - t0;
        first.deactivate();

        long before = usedHeap();
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        t0 = System.nanoTime();
        FolderSummary s = store.summary(USER, "INBOX");
        long opened = System.nanoTime() - t0;
        assertEquals(n, s.messages());
        assertEquals(n - (n + 2) / 3, n - s.unseen(), "two in three are \\Seen");
        FolderRef ref = new FolderRef(USER, "INBOX", s.uidValidity());
        t0 = System.nanoTime();
        UidSet all = store.uids(ref);
        List<MessageMeta> flags = store.messages(ref, all);
        long listed = System.nanoTime() - t0;
        assertEquals(1, all.rangeCount(), "UIDs 1:100000 are one range");
        assertEquals(n, flags.size());
        flags = null;
        long open = usedHeap() - before;
        long accounted = store.openFootprint();
        System.out.printf("100k folder: index built in %d ms (sizes counted later in %d ms), opened (index read) in %d"
                + " ms, flags of all UIDs in %d ms; index %d KiB by its accounting, %d KiB of heap%n", built / 1_000_000,
                counted / 1_000_000, opened / 1_000_000, listed / 1_000_000, accounted / 1024, open / 1024);
        assertTrue(accounted <= 64L * n, "at most 64 bytes a message by the index's accounting: " + accounted);
        assertTrue(open <= 10L << 20, "a few MiB of heap while open: " + (open >> 10) + " KiB");

        store.deactivate(); // closes every folder
        long closed = usedHeap() - before;
        assertTrue(closed <= 1L << 20, "nothing (under 1 MiB) once closed: " + (closed >> 10) + " KiB");
        assertTrue(store != null);
    }

    @Test
    void aThousandUsersFoldersOpenedOnceEachStayWithinTheBudget() throws Exception {
        int users = 1000;
        int each = 60;
        long t0 = System.nanoTime();
        for (int u = 0; u < users; u++) {
            fillIndexed(FolderNames.userDir(root, "user" + u + "@example.org"), each);
        }
        System.out.printf("1,000 users: filled in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        long budget = 1L << 20;
        MaildirStore store = new MaildirStore(root, "athena", 100_000, budget);
        long before = usedHeap();
        long largest = 0;
        for (int u = 0; u < users; u++) {
            FolderSummary s = store.summary("user" + u + "@example.org", "INBOX");
            assertEquals(each, s.messages());
            assertEquals(0, s.unseen(), "the index was read, not rebuilt from the files");
            largest = Math.max(largest, store.openFootprint() - 0);
            assertTrue(store.openFootprint() <= budget + 64L * 1024, "within the budget (and the folder in use): "
                    + store.openFootprint());
        }
        long heap = usedHeap() - before;
        System.out.printf("1,000 users: %d folders open, index %d KiB (budget %d KiB), %d KiB of heap, %d evictions%n",
                store.openFolders(), store.openFootprint() / 1024, budget / 1024, heap / 1024,
                store.stats().evictions.sum());
        assertTrue(store.openFolders() < users, "folders were closed to stay within the budget");
        assertTrue(heap <= budget * 4 + (8L << 20), "heap stays near the budget: " + (heap >> 10) + " KiB");
        store.deactivate();
    }
}
