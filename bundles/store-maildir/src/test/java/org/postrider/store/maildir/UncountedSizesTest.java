package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.Quota;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * Files another program wrote into a Maildir (a migration, a foreign delivery agent) are
 * indexed from the listing alone: what SELECT needs (EXISTS, UIDs, flags, UIDNEXT,
 * UIDVALIDITY, HIGHESTMODSEQ) opens no message file, as Dovecot does; a size is counted when
 * a caller first needs it, recorded in the index, and not counted again; a ",W=" name is
 * confirmed by a stat, never a read. A file gone or unreadable by then fails or expunges only
 * that message, and counting beside another counter, a compaction or a kill leaves the index
 * right.
 */
class UncountedSizesTest {
    private static final String USER = "alice@example.org";
    private static final FolderRef INBOX = FolderRef.of(USER, "INBOX");
    private static final FileTime OLD = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    @TempDir
    Path root;
    MaildirStore store;

    @AfterEach
    void close() {
        MaildirFolder.step = MaildirFolder.Step.NONE;
        RegularFiles.letGoAfterMillis = 1000;
        if (store != null) {
            store.deactivate();
        }
    }

    private Path inbox() throws StoreException {
        return FolderNames.userDir(root, USER);
    }

    /** Message i: CRLF, or bare LF line ends for every third (its served size is larger than the file). */
    private static String text(int i) {
        String eol = i % 3 == 0 ? "\n" : "\r\n";
        return "From: bob@example.net" + eol + "Subject: message " + i + eol + eol + "body of " + i + eol;
    }

    /** The size served for message i: its CRLF view. */
    private static long served(int i) {
        return text(i).replace("\r\n", "\n").replace("\n", "\r\n").length();
    }

    /**
     * Writes n messages into cur/ as another program would, ",S=" the file's length (as
     * Dovecot and the benchmark name them; not the CRLF size), message i seen if i is even;
     * their access times set far back. Returns name by UID (indexed in the order of their names).
     */
    private Map<Long, Path> fill(int n) throws Exception {
        Path cur = inbox().resolve("cur");
        for (String d : new String[] {"cur", "new", "tmp"}) {
            Files.createDirectories(cur.resolveSibling(d));
        }
        Map<Long, Path> files = new HashMap<>();
        for (int i = 1; i <= n; i++) {
            byte[] b = text(i).getBytes(StandardCharsets.US_ASCII);
            String flags = i % 2 == 0 ? "S" : "";
            Path f = cur.resolve(String.format("17000%05d.M%dP1.other,S=%d:2,%s", i, i, b.length, flags));
            Files.write(f, b);
            age(f);
            files.put((long) i, f);
        }
        return files;
    }

    private static void age(Path f) throws Exception {
        Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(null, OLD, null);
    }

    /** Message files opened since {@link #fill} (their access time moved), or -1 where reads are not recorded. */
    private int filesOpened() throws Exception {
        Path cur = inbox().resolve("cur");
        Path probe = root.resolve("probe"); // beside the Maildir, on its file system
        Files.writeString(probe, "x");
        age(probe);
        Files.readAllBytes(probe);
        boolean recorded = !Files.readAttributes(probe, BasicFileAttributes.class).lastAccessTime().equals(OLD);
        Files.delete(probe);
        if (!recorded) {
            return -1;
        }
        int opened = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cur)) {
            for (Path f : ds) {
                opened += Files.readAttributes(f, BasicFileAttributes.class).lastAccessTime().equals(OLD) ? 0 : 1;
            }
        }
        return opened;
    }

    /** What IMAP SELECT and UID FETCH 1:* (FLAGS) ask of the store. */
    private FolderSummary select() throws StoreException {
        FolderSummary s = store.summary(USER, "INBOX", false);
        store.uids(INBOX);
        store.claimRecent(INBOX);
        store.messages(INBOX, UidSet.range(1, s.uidNext() - 1), false);
        return s;
    }

    @Test
    void aFolderAnotherProgramFilledOpensWithoutReadingAFileAndEachSizeIsCountedOnceWhenAsked() throws Exception {
        int n = 300;
        fill(n);
        store = new MaildirStore(root, "athena", 100);
        FolderSummary s = select();
        assertEquals(n, s.messages());
        assertEquals(n / 2, s.unseen(), "flags from the names");
        assertEquals(n + 1, s.uidNext());
        assertEquals(-1, s.bytes(), "no octets asked for, none counted");
        List<MessageMeta> metas = store.messages(INBOX, UidSet.range(1, n), false);
        assertEquals(n, metas.size());
        assertTrue(metas.stream().allMatch(m -> m.size() == MessageMeta.SIZE_NOT_COUNTED));
        assertEquals(Set.of(Flag.SEEN), metas.get(1).flags());
        assertEquals(Instant.ofEpochSecond(1700000002), metas.get(1).internalDate(), "INTERNALDATE from the name");
        assertEquals(0, store.stats().sizesRead.sum(), "no size counted for SELECT and FETCH FLAGS");
        int opened = filesOpened(); // -1 where the file system does not record reads (noatime): the counter stands
        assertTrue(opened <= 0, opened + " message files opened for SELECT and FETCH FLAGS");

        long total = 0;
        for (MessageMeta m : store.messages(INBOX, UidSet.range(1, n))) { // FETCH RFC822.SIZE, POP3 LIST
            assertEquals(served((int) m.uid()), m.size(), "UID " + m.uid());
            total += m.size();
        }
        assertEquals(n, store.stats().sizesRead.sum(), "each counted once");
        assertTrue(opened < 0 || filesOpened() == n);
        assertEquals(total, store.summary(USER, "INBOX").bytes(), "STATUS SIZE");
        assertEquals(total, store.summary(USER, "INBOX", false).bytes(), "all counted: the octets come free");
        assertEquals(total, store.usage(USER)[0], "quota usage");
        assertEquals(served(3), store.content(INBOX, 3).size());
        assertEquals(n, store.stats().sizesRead.sum(), "not counted again");

        store.deactivate(); // a restart: the sizes were recorded in the index
        store = new MaildirStore(root, "athena", 100);
        assertEquals(total, store.summary(USER, "INBOX").bytes());
        assertEquals(0, store.stats().sizesRead.sum(), "recorded, not counted again after a restart");
    }

    @Test
    void everyCallerOfASizeGetsTheRightOneCountedThen() throws Exception {
        int n = 30;
        fill(n);
        store = new MaildirStore(root, "athena", 100);
        select();
        long larger = served(3) - 1; // LF files are larger in their CRLF view than on disk
        UidSet.Builder want = new UidSet.Builder();
        for (int i = 1; i <= 10; i++) {
            if (served(i) > larger) {
                want.add(i);
            }
        }
        assertEquals(want.build(), store.search(INBOX, new SearchKey.Larger(larger), UidSet.range(1, 10)),
                "SEARCH LARGER");
        assertEquals(10, store.stats().sizesRead.sum(), "the sizes searched counted, no other");
        assertEquals(served(16), store.content(INBOX, 16).size(), "a content's size (FETCH BODY[], POP3 RETR)");
        assertEquals(11, store.stats().sizesRead.sum());
        assertEquals(served(19), store.structure(INBOX, 19).body().endOffset(), "a structure of the CRLF view");
        assertEquals(12, store.stats().sizesRead.sum());
        assertEquals(served(22), store.changeFlags(INBOX, UidSet.of(22), FlagChange.ADD, Set.of(Flag.FLAGGED),
                Set.of(), -1).messages().get(0).size(), "a flag change's answer");
        assertEquals(13, store.stats().sizesRead.sum());
        store.createFolder(USER, "Archive", null);
        long copied = store.copy(INBOX, UidSet.of(25), "Archive").target().first();
        assertEquals(14, store.stats().sizesRead.sum());
        assertEquals(served(25), store.messages(FolderRef.of(USER, "Archive"), UidSet.of(copied)).get(0).size(),
                "a copy, named with it");
        List<MessageMeta> changed = store.changesSince(INBOX, 0).changed();
        assertEquals(n, changed.size());
        for (MessageMeta m : changed) {
            assertEquals(served((int) m.uid()), m.size(), "changesSince with sizes: UID " + m.uid());
        }
        assertEquals(n, store.stats().sizesRead.sum(), "each counted once");
    }

    @Test
    void aFileGoneBeforeItsSizeIsCountedIsExpungedAsAnyFileAnotherProgramRemoves() throws Exception {
        Map<Long, Path> files = fill(10);
        store = new MaildirStore(root, "athena", 100);
        long modSeq = select().highestModSeq();
        Files.delete(files.get(4L)); // another program expunges it, the index not told
        List<MessageMeta> metas = store.messages(INBOX, UidSet.range(1, 10));
        assertEquals(List.of(1L, 2L, 3L, 5L, 6L, 7L, 8L, 9L, 10L), metas.stream().map(MessageMeta::uid).toList());
        for (MessageMeta m : metas) {
            assertEquals(served((int) m.uid()), m.size());
        }
        assertEquals(UidSet.of(4), store.changesSince(INBOX, modSeq).vanished(), "sessions hear of the expunge");
        assertNull(store.content(INBOX, 4));
    }

    @Test
    void aFileListedButUnreadableLeavesTheFolderOpenAndFailsOnlyTheCallThatNeedsItsSize() throws Exception {
        fill(5);
        // another program's message whose file cannot be read (a directory in its place, as a file
        // half copied by a tool may be; permissions do not stop root, and a link is never followed)
        Path broken = inbox().resolve("cur/1700000006.M6P1.other:2,S");
        Files.createDirectory(broken);
        store = new MaildirStore(root, "athena", 100);
        FolderSummary s = select();
        assertEquals(6, s.messages(), "SELECT lists it");
        assertEquals(UidSet.range(1, 6), store.uids(INBOX));
        assertEquals(served(2), store.messages(INBOX, UidSet.of(2)).get(0).size(), "the others' sizes count");
        assertThrows(StoreException.class, () -> store.messages(INBOX, UidSet.of(6)), "its size cannot be counted");
        assertThrows(StoreException.class, () -> store.summary(USER, "INBOX"), "STATUS SIZE");
        assertEquals(6, store.summary(USER, "INBOX", false).messages(), "the folder still answers SELECT");

        Files.delete(broken);
        Files.writeString(broken, text(6)); // the file appears: readable now
        assertEquals(served(6), store.messages(INBOX, UidSet.of(6)).get(0).size());
        long total = 0;
        for (int i = 1; i <= 6; i++) {
            total += served(i);
        }
        assertEquals(total, store.summary(USER, "INBOX").bytes());
    }

    @Test
    void aUsersUsageKeptForQuotasCountsFilesAnotherProgramAddsLater() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 100);
        long before = 0;
        for (int i = 1; i <= 10; i++) {
            before += served(i);
        }
        assertEquals(before, store.usage(USER)[0], "summed, every size counted");
        Path cur = inbox().resolve("cur");
        long added = 0;
        for (int i = 11; i <= 15; i++) { // another program delivers while the usage is kept
            Files.writeString(cur.resolve(String.format("17000%05d.M%dP1.other:2,", i, i)), text(i));
            added += served(i);
        }
        assertEquals(15, store.uids(INBOX).size(), "indexed, sizes not counted");
        assertEquals(List.of(before + added, 15L), List.of(store.usage(USER)[0], store.usage(USER)[1]),
                "the kept usage does not leave their sizes out");
    }

    @Test
    void aUsersUsageKeptForQuotasCountsWhatAnotherProgramDidWhileTheFolderWasClosed() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 1); // one folder open at a time
        store.createFolder(USER, "Notes", null);
        long before = 0;
        for (int i = 1; i <= 10; i++) {
            before += served(i);
        }
        assertEquals(before, store.usage(USER)[0], "summed, every size counted");
        store.uids(FolderRef.of(USER, "Notes"));
        assertTrue(!store.holdsLoaded(inbox()), "INBOX closed to open Notes");
        Path cur = inbox().resolve("cur");
        long added = 0;
        for (int i = 11; i <= 15; i++) { // another program delivers while INBOX is closed
            Files.writeString(cur.resolve(String.format("17000%05d.M%dP1.other:2,", i, i)), text(i));
            added += served(i);
        }
        assertEquals(15, store.uids(INBOX).size(), "found when INBOX is opened again");
        assertEquals(List.of(before + added, 15L), List.of(store.usage(USER)[0], store.usage(USER)[1]),
                "the kept usage has them");
    }

    @Test
    void aSizeCountedAgainIsNoChangeOfAUsersKeptUsage() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 1);
        store.createFolder(USER, "Notes", null);
        long total = store.usage(USER)[0]; // counts every size, and records them
        assertEquals(total, store.usage(USER)[0]); // kept (the first sum met folders indexed then)
        store.uids(FolderRef.of(USER, "Notes")); // INBOX closed
        Path log = inbox().resolve(IndexLog.FILE);
        // the size records lost (written without an fsync, or their write failed)
        Files.write(log, Files.readAllLines(log).stream().filter(l -> !l.startsWith("Z ")).toList());
        for (MessageMeta m : store.messages(INBOX, UidSet.range(1, 10))) {
            assertEquals(served((int) m.uid()), m.size());
        }
        assertEquals(20, store.stats().sizesRead.sum(), "counted again");
        assertEquals(total, store.usage(USER)[0], "not added to the usage again");
    }

    /** A folder of the store's directory as another process would open it after a kill (no OS lock). */
    private FolderView folder() throws StoreException {
        return FolderView.open(inbox(), MaildirFolder.FolderEvents.NONE);
    }

    private List<String> sizeRecords() throws Exception {
        return Files.readAllLines(inbox().resolve(IndexLog.FILE)).stream().filter(l -> l.startsWith("Z ")).toList();
    }

    @Test
    void aKillBetweenCountingAndRecordingLosesOnlyTheCount() throws Exception {
        fill(20);
        FolderView first = folder();
        assertEquals(20, first.folder.summary(false).messages());
        MaildirFolder.step = s -> {
            if (s.equals("size-counted")) {
                throw new Error("killed");
            }
        };
        assertThrows(Error.class, () -> first.folder.messages(0, FolderView.ALL, true));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertEquals(List.of(), sizeRecords(), "nothing recorded");
        Files.writeString(inbox().resolve(IndexLog.FILE), "Z 1 1", java.nio.file.StandardOpenOption.APPEND);

        FolderView again = folder(); // the restart: a torn size record is ignored, the index trusted
        assertEquals(-1, again.folder.summary(false).bytes(), "sizes not counted");
        List<MessageMeta> metas = again.messages();
        for (MessageMeta m : metas) {
            assertEquals(served((int) m.uid()), m.size());
        }
        assertEquals(20, sizeRecords().size(), "each recorded once (the torn one cut off)");
        FolderView third = folder();
        assertEquals(metas, third.messages());
        assertTrue(third.folder.summary(false).bytes() > 0, "all counted, from the records");
    }

    @Test
    void sizesCountedBesideAnotherCounterAndACompactionAreRecordedOnceAndRight() throws Exception {
        int n = 40;
        fill(n);
        FolderView f = folder();
        f.folder.summary(false);
        CountDownLatch counted = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] slow = new Thread[1];
        MaildirFolder.step = s -> {
            if (s.equals("size-counted") && Thread.currentThread() == slow[0]) {
                counted.countDown();
                try {
                    go.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
        };
        AtomicReference<Object> got = new AtomicReference<>();
        slow[0] = new Thread(() -> {
            try {
                got.set(f.folder.messages(0, UidSet.range(1, 20), true));
            } catch (Throwable e) {
                got.set(e);
            }
        });
        slow[0].start();
        assertTrue(counted.await(30, TimeUnit.SECONDS));
        // Counted by the slow caller, not yet recorded. Meanwhile another counts some of the same,
        // one of them is expunged, and enough changes come for the index to be compacted.
        List<MessageMeta> other = f.folder.messages(0, UidSet.range(11, 30), true);
        assertEquals(20, other.size());
        f.expunge(List.of(5L));
        int rounds = 120; // keywords on and off (no file renamed): past the lines that compact the log
        long linesBefore = lines();
        for (int round = 0; round < rounds; round++) {
            f.changeFlags(rangeList(31, n), round % 2 == 0 ? FlagChange.ADD : FlagChange.REMOVE, Set.of(),
                    Set.of("k"));
        }
        assertTrue(lines() < linesBefore + rounds * 10, "compacted");
        go.countDown();
        slow[0].join(30_000);
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertTrue(got.get() instanceof List<?>, String.valueOf(got.get()));
        assertEquals(19, ((List<?>) got.get()).size(), "UID 5 expunged meanwhile");

        long want = 0;
        for (int i = 1; i <= n; i++) {
            want += i == 5 ? 0 : served(i);
        }
        assertEquals(want, f.folder.summary(false).bytes(), "every size counted once and kept, none lost or twice");
        // The log was compacted after the other caller recorded 11-30 (now in their A records): the
        // slow caller's records follow, for what it alone counted (not 5, expunged; not 11-20, counted)
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L),
                sizeRecords().stream().map(l -> Long.parseLong(l.split(" ")[1])).toList());
        FolderView again = folder(); // from disk
        assertEquals(want, again.folder.summary(false).bytes(), "recorded on disk, across the compaction");
        List<MessageMeta> all = again.messages();
        assertEquals(n - 1, all.size());
        for (MessageMeta m : all) {
            assertEquals(served((int) m.uid()), m.size(), "UID " + m.uid());
        }
    }

    private long lines() throws Exception {
        return Files.readAllLines(inbox().resolve(IndexLog.FILE)).size();
    }

    private static List<Long> rangeList(int from, int to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void aSizeInADovecotNameIsConfirmedByAStatWithoutARead() throws Exception {
        Path cur = inbox().resolve("cur");
        for (String d : new String[] {"cur", "new", "tmp"}) {
            Files.createDirectories(cur.resolveSibling(d));
        }
        for (int i = 1; i <= 10; i++) {
            byte[] b = ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
            Path f = cur.resolve(String.format("17000%05d.M%dP1.dovecot,S=%d,W=%d:2,S", i, i, b.length, b.length));
            Files.write(f, b);
            age(f);
        }
        store = new MaildirStore(root, "athena", 100);
        select();
        long total = 0;
        for (MessageMeta m : store.messages(INBOX, UidSet.range(1, 10))) {
            assertEquals(("Subject: " + m.uid() + "\r\n\r\nbody\r\n").length(), m.size());
            total += m.size();
        }
        assertEquals(total, store.summary(USER, "INBOX").bytes());
        assertEquals(0, store.stats().sizesRead.sum(), "no file read");
        assertEquals(10, store.stats().sizesNamed.sum(), "a stat each");
        assertTrue(filesOpened() <= 0, "no message file opened (-1: reads not recorded here)");
    }

    private static long served(int from, int to) {
        long sum = 0;
        for (int i = from; i <= to; i++) {
            sum += served(i);
        }
        return sum;
    }

    /** Writes messages from..to into cur/ as a foreign delivery agent would (not seen); their served sizes. */
    private long deliverForeign(int from, int to) throws Exception {
        Path cur = inbox().resolve("cur");
        for (int i = from; i <= to; i++) {
            Files.writeString(cur.resolve(String.format("17000%05d.M%dP1.other:2,", i, i)), text(i));
        }
        Files.setLastModifiedTime(cur, FileTime.fromMillis(System.currentTimeMillis() + 1000L * from)); // seen as a change
        return served(from, to);
    }

    /** Drops the size records (Z) of INBOX's index, as if their writes had failed. */
    private void loseSizeRecords() throws Exception {
        Path log = inbox().resolve(IndexLog.FILE);
        Files.write(log, Files.readAllLines(log).stream().filter(l -> !l.startsWith("Z ")).toList());
    }

    @Test
    void theQuotaOfAUserWithoutLimitsIsAnsweredWithoutCountingASizeOrLoadingAFolder() throws Exception {
        int n = 50;
        fill(n);
        store = new MaildirStore(root, "athena", 1);
        store.createFolder(USER, "Notes", null);
        store.uids(FolderRef.of(USER, "Notes"));
        select(); // Notes closed
        long loads = store.stats().loads.sum();
        Quota q = store.quota(USER); // GETQUOTAROOT, as Thunderbird sends it after SELECT
        assertFalse(q.limited(), "no limit: no quota root");
        assertEquals(0, store.stats().sizesRead.sum(), "no size counted");
        assertEquals(loads, store.stats().loads.sum(), "no other folder's index loaded");

        store.setDirectory(MaildirStoreTest.quota(1 << 20, 0));
        q = store.quota(USER);
        assertTrue(q.limited());
        assertEquals(List.of(served(1, n), (long) n), List.of(q.bytes(), q.messages()), "with a limit: summed");
    }

    @Test
    void aFewFilesAForeignAgentDeliversAreCountedAtOnceAndAUsersKeptUsageStaysKept() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 1); // one folder open at a time
        store.createFolder(USER, "Notes", null);
        assertEquals(served(1, 10), store.usage(USER)[0], "summed");
        store.uids(INBOX); // Notes closed, INBOX open
        long added = deliverForeign(11, 12); // into the open, indexed INBOX
        assertEquals(12, store.uids(INBOX).size());
        long loads = store.stats().loads.sum();
        assertEquals(List.of(served(1, 10) + added, 12L), List.of(store.usage(USER)[0], store.usage(USER)[1]));
        assertEquals(loads, store.stats().loads.sum(), "told as a change: Notes not loaded to sum the usage again");

        store.uids(FolderRef.of(USER, "Notes")); // INBOX closed
        added += deliverForeign(13, 14);
        assertEquals(14, store.uids(INBOX).size(), "found as INBOX is loaded");
        loads = store.stats().loads.sum();
        assertEquals(List.of(served(1, 10) + added, 14L), List.of(store.usage(USER)[0], store.usage(USER)[1]));
        assertEquals(loads, store.stats().loads.sum(), "what the load found is told too: Notes not loaded");
        assertEquals(14, store.stats().sizesRead.sum(), "each file read once");
    }

    @Test
    void changesSinceWithSizesCountsTheMessagesThatItsOwnListingChanged() throws Exception {
        Map<Long, Path> files = fill(3);
        FolderView f = folder();
        f.folder.summary(false); // indexed, no size counted
        Path third = files.get(3L);
        Path flagged = third.resolveSibling(third.getFileName() + "F");
        Files.move(third, flagged); // another program flags 3: a new MODSEQ for it
        Files.setLastModifiedTime(third.getParent(), FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        long modSeq = f.folder.summary(false).highestModSeq();
        f.folder.refresh();
        // then, before the folder is listed again, it marks 3 deleted and flags 1
        Files.move(flagged, third.resolveSibling(third.getFileName() + "FT"));
        Path first = files.get(1L);
        Files.move(first, first.resolveSibling(first.getFileName() + "F"));
        // sizes of what changed since: 3's file is gone, so the folder is listed, giving 1 a new MODSEQ
        List<MessageMeta> changed = f.folder.changesSince(0, modSeq, true).changed();
        assertEquals(List.of(1L, 3L), changed.stream().map(MessageMeta::uid).toList());
        for (MessageMeta m : changed) {
            assertEquals(served((int) m.uid()), m.size(), "UID " + m.uid() + ": sizes asked for");
        }
    }

    @Test
    void anUncountedMessageExpungedAfterItsSizeRecordWasLostIsTakenFromAUsersKeptUsage() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 1);
        store.createFolder(USER, "Notes", null);
        assertEquals(served(1, 10), store.usage(USER)[0], "summed, every size counted and recorded");
        store.uids(FolderRef.of(USER, "Notes")); // INBOX closed
        loseSizeRecords();
        store.expunge(INBOX, UidSet.of(3)); // INBOX loaded, 3 not counted, expunged
        assertEquals(List.of(served(1, 10) - served(3), 9L), List.of(store.usage(USER)[0], store.usage(USER)[1]));
    }

    @Test
    void messagesThatComeUncountedAsOthersAreCountedAreNotLeftOutOfAUsersKeptUsage() throws Exception {
        int n = MaildirFolder.COUNT_AT_ONCE + 76;
        Map<Long, Path> files = fill(n);
        store = new MaildirStore(root, "athena", 1);
        store.createFolder(USER, "Notes", null);
        assertEquals(served(1, n), store.usage(USER)[0], "summed, every size counted and recorded");
        store.uids(FolderRef.of(USER, "Notes")); // INBOX closed
        loseSizeRecords();
        assertEquals(n, store.uids(INBOX).size()); // loaded again: none counted, all in the kept usage
        // Another program flags them all and delivers more than are counted at once: left uncounted
        for (Path p : files.values()) {
            Files.move(p, p.resolveSibling(p.getFileName() + "F"));
        }
        int more = MaildirFolder.COUNT_AT_ONCE + 1;
        long added = deliverForeign(n + 1, n + more);
        // FETCH RFC822.SIZE of the first n: their files are gone, the folder is listed (n renamed,
        // the new ones added uncounted), and the n counted: fewer uncounted than before, net
        store.messages(INBOX, UidSet.range(1, n));
        assertEquals(List.of(served(1, n) + added, (long) n + more),
                List.of(store.usage(USER)[0], store.usage(USER)[1]));
    }

    @Test
    void sizesCountedAsTheFolderIsEvictedAreRecordedByItsNextInstanceNotCountedAgain() throws Exception {
        int n = 20;
        fill(n);
        store = new MaildirStore(root, "athena", 1);
        store.createFolder(USER, "Notes", null);
        select();
        AtomicBoolean evicted = new AtomicBoolean();
        MaildirFolder.step = s -> {
            if (s.equals("size-counted") && evicted.compareAndSet(false, true)) {
                try { // another session opens Notes: INBOX, not locked while its sizes are counted, is closed
                    store.uids(FolderRef.of(USER, "Notes"));
                } catch (StoreException e) {
                    throw new java.io.IOException(e);
                }
            }
        };
        List<MessageMeta> metas = store.messages(INBOX, UidSet.range(1, n)); // FETCH RFC822.SIZE
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertTrue(evicted.get());
        assertTrue(store.stats().evictions.sum() > 0);
        assertEquals(n, metas.size());
        for (MessageMeta m : metas) {
            assertEquals(served((int) m.uid()), m.size());
        }
        assertEquals(n, store.stats().sizesRead.sum(), "each counted once, across the eviction");
        assertEquals(n, sizeRecords().size(), "recorded");
    }

    /**
     * Runs a call in a thread of its own and waits for it a bounded time: a call that blocks
     * (on a FIFO's open, reading a device) fails the test instead of hanging it; the store,
     * whose folder lock the stuck call holds, is then left open.
     */
    private <T> T within(java.util.concurrent.Callable<T> call) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
        Thread t = new Thread(task, "bounded call");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            store = null; // its deactivation would wait for the stuck call's folder lock
            throw new AssertionError("the call did not end within 30 s (blocked in " + t.getStackTrace()[0] + ")");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"fifo", "link to /dev/zero"})
    void aFileThatIsNotARegularOneNeitherBlocksItsFolderNorIsReadAndFailsOnlyWhatNeedsItsSize(String kind)
            throws Exception {
        fill(3);
        store = new MaildirStore(root, "athena", 100);
        select(); // indexed: what comes now is reconciled, its sizes counted at once
        Path cur = inbox().resolve("cur");
        Path odd = cur.resolve("1700000004.M4P1.other:2,");
        if (kind.equals("fifo")) {
            Process p = new ProcessBuilder("mkfifo", odd.toString()).inheritIO().start();
            assertEquals(0, p.waitFor(), "mkfifo");
        } else {
            Files.createSymbolicLink(odd, Path.of("/dev/zero"));
        }
        Files.setLastModifiedTime(cur, FileTime.fromMillis(System.currentTimeMillis() + 10_000)); // seen as a change
        FolderSummary s = within(this::select); // SELECT, UID FETCH 1:* (FLAGS)
        assertEquals(4, s.messages(), "indexed from its name");
        StoreException e = within(() -> assertThrows(StoreException.class, () -> store.messages(INBOX, UidSet.of(4))));
        assertTrue(e.temporary(), "FETCH RFC822.SIZE of it fails as for an unreadable file: " + e.getMessage());
        assertThrows(StoreException.class, () -> within(() -> store.content(INBOX, 4)), "FETCH BODY[] of it");
        assertEquals(served(2), within(() -> store.content(INBOX, 2).size()), "the others are served");
        assertEquals(List.of(served(1), served(2), served(3)), within(() -> store.messages(INBOX, UidSet.range(1, 3))
                .stream().map(MessageMeta::size).toList()));
    }

    @Test
    void newFilesAreReadUnderTheFolderLockForTheirSizesUpToABudgetAndTheRestWhenAsked() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 100);
        assertEquals(served(1, 10), store.usage(USER)[0], "summed, kept");
        Path cur = inbox().resolve("cur");
        String body = "Subject: large\n\n" + ("x".repeat(1023) + "\n").repeat(1023); // bare LFs: read to count
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        long servedEach = b.length + body.chars().filter(c -> c == '\n').count();
        int files = 12; // 12 MiB, more than the budget
        for (int i = 0; i < files; i++) {
            Files.write(cur.resolve(String.format("17100%05d.M%dP1.other:2,", i, i)), b);
        }
        Files.setLastModifiedTime(cur, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        long before = store.stats().sizesRead.sum();
        assertEquals(10 + files, store.uids(INBOX).size()); // reconciled under the folder's lock
        long read = (store.stats().sizesRead.sum() - before) * b.length;
        assertTrue(read <= MaildirFolder.COUNT_AT_ONCE_BYTES, read + " octets read under the lock");
        assertTrue(read > 0, "a few counted at once");
        assertEquals(List.of(served(1, 10) + files * servedEach, 10L + files),
                List.of(store.usage(USER)[0], store.usage(USER)[1]), "the rest counted when asked");
        assertEquals(before + files, store.stats().sizesRead.sum(), "each read once");
    }

    @Test
    void aLoadThatFailsAfterItsReconcileAddedMessagesMakesAUsersKeptUsageStale() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 1);
        store.createFolder(USER, "Notes", null);
        assertEquals(served(1, 10), store.usage(USER)[0], "summed, kept");
        store.uids(FolderRef.of(USER, "Notes")); // INBOX closed, its log ending with a sync point
        Path log = inbox().resolve(IndexLog.FILE);
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        String last = lines.remove(lines.size() - 1);
        assertTrue(last.startsWith("S "), "a folder closed in sync ends its log with an S record");
        for (int i = 0; i < 1100; i++) {
            lines.add("R 1"); // long enough to be compacted by the load's reconcile
        }
        lines.add(last);
        Files.write(log, lines);
        long added = deliverForeign(11, 12);
        MaildirFolder.step = FolderFailureTest.failAt("compact", 1);
        assertThrows(StoreException.class, () -> store.uids(INBOX), "the compaction after the reconcile's append");
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertEquals(12, store.uids(INBOX).size(), "the append was durable");
        assertEquals(List.of(served(1, 10) + added, 12L), List.of(store.usage(USER)[0], store.usage(USER)[1]));
    }

    /** Makes a folder as another program would (no index), with messages from..to; their served size. */
    private long foreignFolder(String dirName, int from, int to) throws Exception {
        Path dir = inbox().resolve(dirName);
        for (String d : new String[] {"cur", "new", "tmp"}) {
            Files.createDirectories(dir.resolve(d));
        }
        for (int i = from; i <= to; i++) {
            Files.writeString(dir.resolve("cur").resolve(String.format("17000%05d.M%dP1.other:2,", i, i)), text(i));
        }
        return served(from, to);
    }

    @Test
    void aFolderAnotherProgramMadeWithMailAfterAUsersUsageWasSummedIsAddedToIt() throws Exception {
        fill(10);
        long early = foreignFolder(".Early", 11, 12); // there, never indexed, when the usage is summed
        store = new MaildirStore(root, "athena", 100);
        assertEquals(List.of(served(1, 10) + early, 12L), List.of(store.usage(USER)[0], store.usage(USER)[1]));
        long loads = store.stats().loads.sum();
        store.usage(USER);
        assertEquals(loads, store.stats().loads.sum(), "the sum that indexed Early first is kept");

        long made = foreignFolder(".Migrated", 13, 15);
        assertEquals(3, store.uids(FolderRef.of(USER, "Migrated")).size()); // LIST, SELECT: its first indexing
        assertEquals(List.of(served(1, 10) + early + made, 15L),
                List.of(store.usage(USER)[0], store.usage(USER)[1]));
    }

    @Test
    void aFifoNamedAsPostridersOwnMessageIsNotOpenedToServeIt() throws Exception {
        fill(3);
        store = new MaildirStore(root, "athena", 100);
        select();
        Path cur = inbox().resolve("cur");
        // a name of Postrider's (a delivery key): its ",S=" is trusted, no size is counted
        Path fifo = cur.resolve("1700000004.M1Q0123456789abcdefU4.athena,S=40:2,");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mkfifo");
        Files.setLastModifiedTime(cur, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertEquals(4, within(this::select).messages());
        org.postrider.api.message.MessageContent c = within(() -> store.content(INBOX, 4));
        assertEquals(40, c.size(), "from its name");
        assertThrows(java.io.IOException.class, () -> within(() -> c.open().read()), "FETCH BODY[]");
        assertEquals(served(2), (long) within(() -> store.content(INBOX, 2).open().readAllBytes().length));
    }

    @Test
    void aLinkInASearchFolderDefersNoDeliveryOfAUserWithAQuotaCountsNoBytesAndIsNotServed() throws Exception {
        Map<Long, Path> files = fill(3);
        // a search folder as mairix or notmuch makes it: links to the messages of other folders
        Path search = inbox().resolve(".Search");
        for (String d : new String[] {"cur", "new", "tmp"}) {
            Files.createDirectories(search.resolve(d));
        }
        Files.createSymbolicLink(search.resolve("cur/1700000001.M1P1.mairix:2,S"), files.get(1L));
        store = new MaildirStore(root, "athena", 100);
        store.setDirectory(MaildirStoreTest.quota(1 << 20, 0));
        byte[] mail = "Subject: new\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        long uid = store.deliver(USER, "INBOX", org.postrider.api.message.MessageContent.of(mail), "q1");
        assertEquals(4, uid, "accepted: the quota check summed the usage");
        assertEquals(List.of(served(1, 3) + mail.length, 5L), List.of(store.usage(USER)[0], store.usage(USER)[1]),
                "the link a message of 0 bytes");
        FolderRef searchRef = FolderRef.of(USER, "Search");
        assertEquals(UidSet.of(1), store.uids(searchRef), "listed");
        StoreException e = assertThrows(StoreException.class, () -> store.content(searchRef, 1), "FETCH BODY[]");
        assertTrue(e.temporary() && e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(StoreException.class, () -> store.messages(searchRef, UidSet.of(1)), "FETCH RFC822.SIZE");
        assertEquals(uid + 1, store.deliver(USER, "INBOX", org.postrider.api.message.MessageContent.of(mail), "q2"));
    }

    @Test
    void aFolderAnotherSessionIndexesFirstWhileAUsersUsageIsBeingSummedIsInTheUsageKept() throws Exception {
        fill(10);
        store = new MaildirStore(root, "athena", 100);
        CountDownLatch summing = new CountDownLatch(1);
        CountDownLatch indexed = new CountDownLatch(1);
        Thread[] check = new Thread[1];
        AtomicBoolean once = new AtomicBoolean();
        MaildirFolder.step = s -> {
            if (s.equals("size-counted") && Thread.currentThread() == check[0] && once.compareAndSet(false, true)) {
                summing.countDown(); // the sum listed the folders (INBOX alone) and counts INBOX's sizes
                try {
                    indexed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
        };
        AtomicReference<Object> got = new AtomicReference<>();
        check[0] = new Thread(() -> { // a delivery's quota check: the first sum of the user's usage
            try {
                got.set(store.usage(USER));
            } catch (Throwable e) {
                got.set(e);
            }
        }, "quota check");
        check[0].start();
        assertTrue(summing.await(30, TimeUnit.SECONDS));
        long made = foreignFolder(".Migrated", 11, 13); // another program makes a folder with mail
        assertEquals(3, store.uids(FolderRef.of(USER, "Migrated")).size()); // another session's SELECT indexes it
        indexed.countDown();
        check[0].join(30_000);
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertTrue(got.get() instanceof long[], String.valueOf(got.get()));
        assertEquals(List.of(served(1, 10) + made, 13L), List.of(store.usage(USER)[0], store.usage(USER)[1]),
                "the usage kept has Migrated");
    }

    private static void mkfifo(Path p) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor(), "mkfifo");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"link to another file", "fifo"})
    void aCopyWhereHardLinksFailCopiesOnlyARegularFileNeverThroughALink(String kind) throws Exception {
        fill(3);
        store = new MaildirStore(root, "athena", 100);
        select();
        store.createFolder(USER, "Archive", null);
        FolderRef archive = FolderRef.of(USER, "Archive");
        Path cur = inbox().resolve("cur");
        // a name of Postrider's: its ",S=" is trusted, so no size is counted (nor the file checked) before the copy
        Path odd = cur.resolve("1700000004.M1Q0123456789abcdefU4.athena,S=40:2,");
        if (kind.equals("fifo")) {
            mkfifo(odd);
        } else {
            Path secret = root.resolve("secret");
            Files.writeString(secret, "Subject: not for alice\r\n\r\n");
            Files.createSymbolicLink(odd, secret);
        }
        Files.setLastModifiedTime(cur, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertEquals(4, within(this::select).messages());
        MaildirFolder.step = s -> {
            if (s.equals("link")) {
                throw new java.io.IOException("hard links not supported here");
            }
        };
        long copied = within(() -> store.copy(INBOX, UidSet.of(2), "Archive")).target().first();
        StoreException e = within(() -> assertThrows(StoreException.class,
                () -> store.copy(INBOX, UidSet.of(4), "Archive")));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertTrue(e.temporary() && e.getMessage().contains("not a regular file"), e.getMessage());
        assertEquals(UidSet.of(copied), store.uids(archive), "a regular file copied, the other refused");
        assertEquals(text(2), new String(store.content(archive, copied).open().readAllBytes(),
                StandardCharsets.US_ASCII));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(inbox().resolve(".Archive/cur"))) {
            for (Path p : ds) {
                assertTrue(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), p.toString());
                assertFalse(Files.readString(p).contains("not for alice"), p + " holds what the link pointed at");
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"shrinks", "move fails"})
    void aCopyWhereHardLinksFailCommitsNoShortCopyAndLeavesNoTemporaryFile(String kind) throws Exception {
        Map<Long, Path> files = fill(3);
        store = new MaildirStore(root, "athena", 100);
        select();
        assertEquals(served(2), store.content(INBOX, 2).size()); // its size counted before the copy
        store.createFolder(USER, "Archive", null);
        Path target = inbox().resolve(".Archive/cur");
        MaildirFolder.step = s -> {
            if (s.equals("link")) {
                throw new java.io.IOException("hard links not supported here");
            }
            if (s.equals("copy-sized") && kind.equals("shrinks")) { // another program cuts the source
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(files.get(2L),
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(10);
                }
            } else if (s.equals("copy-sized")) { // the final rename fails: a directory in the name's place
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(target, ".*.tmp")) {
                    for (Path tmp : ds) {
                        String name = tmp.getFileName().toString();
                        Path in = target.resolve(name.substring(1, name.length() - 4));
                        Files.createDirectory(in);
                        Files.writeString(in.resolve("x"), "x");
                    }
                }
            }
        };
        StoreException e = within(() -> assertThrows(StoreException.class,
                () -> store.copy(INBOX, UidSet.of(2), "Archive")));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertTrue(e.temporary(), e.getMessage());
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
            for (Path p : ds) { // (the test's directory is left)
                assertTrue(Files.isDirectory(p) && kind.equals("move fails"), p + " left in the target");
            }
        }
        if (kind.equals("shrinks")) {
            assertTrue(e.getMessage().contains("shrank"), e.getMessage());
            assertEquals(0, store.uids(FolderRef.of(USER, "Archive")).size(), "nothing copied");
        }
    }

    @Test
    void aMessageFileAnotherProgramRemovedIsServedAsExpungedAfterOneReconcile() throws Exception {
        Map<Long, Path> files = fill(3);
        store = new MaildirStore(root, "athena", 100);
        select();
        org.postrider.api.message.MessageContent c = store.content(INBOX, 2); // its size counted
        assertEquals(served(3), store.content(INBOX, 3).size());
        Path cur = inbox().resolve("cur");
        FileTime mtime = Files.getLastModifiedTime(cur);
        Files.delete(files.get(2L)); // another program (a mail client on the Maildir) removes two files
        Files.delete(files.get(3L));
        Files.setLastModifiedTime(cur, mtime); // within the directory's time resolution: unseen by a refresh
        long lookups = store.stats().lookups.sum();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> c.open().readAllBytes());
        assertTrue(e instanceof java.nio.file.NoSuchFileException && e.getMessage().contains("expunged"),
                "failed as for an expunged message (IMAP: NO, then the EXPUNGE): " + e);
        assertNull(store.structure(INBOX, 3), "as for an expunged message");
        assertTrue(store.stats().lookups.sum() - lookups <= 4, "looked up again once each, after a reconcile: "
                + (store.stats().lookups.sum() - lookups));
        assertEquals(UidSet.of(1), store.uids(INBOX));
    }

    @Test
    void aFileListedButNeverOpenableCostsOneReconcileAnOpenNotNine() throws Exception {
        fill(3);
        store = new MaildirStore(root, "athena", 100);
        select();
        org.postrider.api.message.MessageContent c = store.content(INBOX, 2); // its size counted
        Thread reader = Thread.currentThread();
        // a name the listing gives but no open finds (bytes that do not round-trip through a String)
        MaildirFolder.step = s -> {
            if (s.equals("file-checked") && Thread.currentThread() == reader) {
                throw new java.nio.file.NoSuchFileException("message 2");
            }
        };
        long scans = store.stats().scans.sum();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> c.open().readAllBytes());
        assertTrue(e.getMessage().contains("cannot be opened"), "a temporary failure that says why: " + e);
        assertEquals(1, store.stats().scans.sum() - scans, "one listing of the folder for the open");
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertEquals(UidSet.of(1, 2, 3), store.uids(INBOX), "nothing expunged");
    }

    @Test
    void aFifoPutInAMessagesPlaceBetweenItsCheckAndItsOpenHoldsUpNoOtherCallerOfTheFolder() throws Exception {
        Map<Long, Path> files = fill(3);
        store = new MaildirStore(root, "athena", 100);
        select();
        org.postrider.api.message.MessageContent c = store.content(INBOX, 2); // its size counted
        Path file = files.get(2L);
        RegularFiles.letGoAfterMillis = 120_000; // the FIFO not let go by the store: the FETCH waits in its open
        CountDownLatch swapped = new CountDownLatch(1);
        Thread[] fetch = new Thread[1];
        MaildirFolder.step = s -> {
            if (s.equals("file-checked") && Thread.currentThread() == fetch[0] && swapped.getCount() > 0) {
                try { // another program puts a FIFO in the name's place after it was checked
                    Files.delete(file);
                    mkfifo(file);
                } catch (Exception x) {
                    throw new java.io.IOException(x);
                } finally {
                    swapped.countDown();
                }
            }
        };
        AtomicReference<Object> got = new AtomicReference<>();
        fetch[0] = new Thread(() -> { // FETCH BODY[]
            try (java.io.InputStream in = c.open()) {
                got.set(in.readAllBytes());
            } catch (Throwable e) {
                got.set(e);
            }
        }, "fetch");
        fetch[0].setDaemon(true);
        fetch[0].start();
        assertTrue(swapped.await(30, TimeUnit.SECONDS));
        // the FETCH may wait in the FIFO's open (until a writer comes), but not under the folder's lock
        assertEquals(UidSet.range(1, 3), within(() -> store.uids(INBOX)), "another session's call on the folder");
        assertEquals(served(1), (long) within(() -> store.content(INBOX, 1).open().readAllBytes().length));
        within(() -> { // a writer (read and write: an open that never waits): the open ends, and finds a FIFO
            java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE).close();
            return null;
        });
        fetch[0].join(30_000);
        assertTrue(got.get() instanceof java.io.IOException x && x.getMessage().contains("not a regular file")
                && x.getCause() instanceof StoreException se && se.temporary(),
                "the FIFO is not served as the message, a temporary failure of the store (IMAP: NO): " + got.get());
    }

    @Test
    void aMessageWhoseFolderIsRenamedAwayAndCreatedAgainBeforeItsOpenIsNotServedFromTheNewFolder() throws Exception {
        store = new MaildirStore(root, "athena", 100);
        store.createFolder(USER, "Projects", null);
        for (int i = 1; i <= 2; i++) {
            store.deliver(USER, "Projects", MaildirFolderTest.text("Subject: old " + i + "\r\n\r\nold\r\n"), "o" + i);
        }
        FolderRef projects = new FolderRef(USER, "Projects", store.summary(USER, "Projects").uidValidity());
        org.postrider.api.message.MessageContent c = store.content(projects, 2); // FETCH: found in the old Projects
        AtomicBoolean armed = new AtomicBoolean();
        MaildirFolder.step = s -> { // after the file's lookup, before its open: another session's RENAME and CREATE
            if (s.equals("file-checked") && armed.compareAndSet(true, false)) {
                try {
                    store.renameFolder(USER, "Projects", "Old");
                    store.createFolder(USER, "Projects", null);
                    for (int i = 1; i <= 2; i++) {
                        store.deliver(USER, "Projects", MaildirFolderTest.text("Subject: new " + i + "\r\n\r\nnew\r\n"),
                                "n" + i);
                    }
                } catch (StoreException x) {
                    throw new java.io.IOException(x);
                }
            }
        };
        armed.set(true);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> c.open().readAllBytes(),
                "the new Projects' message 2 served for the old one's");
        assertTrue(e.getCause() instanceof org.postrider.api.store.UidValidityChangedException, e.toString());
        FolderRef old = new FolderRef(USER, "Old", projects.uidValidity());
        assertTrue(new String(store.content(old, 2).open().readAllBytes(), StandardCharsets.US_ASCII)
                .startsWith("Subject: old 2"), "the renamed folder keeps its messages");
        FolderRef fresh = new FolderRef(USER, "Projects", store.summary(USER, "Projects").uidValidity());
        store.renameFolder(USER, "Projects", "Newer"); // and once more, for a structure (BODYSTRUCTURE, ENVELOPE)
        store.renameFolder(USER, "Old", "Projects");
        armed.set(true);
        MaildirFolder.step = s -> {
            if (s.equals("file-checked") && armed.compareAndSet(true, false)) {
                try {
                    store.renameFolder(USER, "Projects", "Old");
                    store.renameFolder(USER, "Newer", "Projects");
                } catch (StoreException x) {
                    throw new java.io.IOException(x);
                }
            }
        };
        FolderRef back = new FolderRef(USER, "Projects", projects.uidValidity());
        assertThrows(org.postrider.api.store.UidValidityChangedException.class,
                () -> store.structure(back, 2), "the new Projects' message 2 parsed for the old one's");
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertEquals("new 2", store.structure(fresh, 2).envelope().subject(), "nothing cached in the wrong folder");
    }

    @Test
    void aStructureParsedBeforeItsFolderIsRenamedAwayAndCreatedAgainIsNotCachedInTheNewFolder() throws Exception {
        store = new MaildirStore(root, "athena", 100);
        store.createFolder(USER, "Projects", null);
        for (int i = 1; i <= 2; i++) {
            store.deliver(USER, "Projects", MaildirFolderTest.text("Subject: old " + i + "\r\n\r\nold\r\n"), "o" + i);
        }
        FolderRef projects = new FolderRef(USER, "Projects", store.summary(USER, "Projects").uidValidity());
        AtomicBoolean armed = new AtomicBoolean(true);
        MaildirFolder.step = s -> { // after the parse, before its record: another session's RENAME and CREATE
            if (s.equals("structure-parsed") && armed.compareAndSet(true, false)) {
                try {
                    store.renameFolder(USER, "Projects", "Old");
                    store.createFolder(USER, "Projects", null);
                    for (int i = 1; i <= 2; i++) {
                        store.deliver(USER, "Projects",
                                MaildirFolderTest.text("Subject: new " + i + "\r\n\r\nnew\r\n"), "n" + i);
                    }
                } catch (StoreException x) {
                    throw new java.io.IOException(x);
                }
            }
        };
        assertEquals("old 2", store.structure(projects, 2).envelope().subject(), "the message asked for, parsed");
        assertFalse(armed.get());
        FolderRef fresh = new FolderRef(USER, "Projects", store.summary(USER, "Projects").uidValidity());
        assertEquals("new 2", store.structure(fresh, 2).envelope().subject(),
                "the new folder's message 2, not the old one's structure cached under its UID");
    }

    @Test
    void aFifoPutInANewFilesPlaceAsAReconcileCountsItUnderTheFolderLockHoldsTheFolderOnlyBriefly() throws Exception {
        fill(3);
        store = new MaildirStore(root, "athena", 100);
        assertEquals(served(1, 3), store.usage(USER)[0]);
        Path cur = inbox().resolve("cur");
        Path fresh = cur.resolve("1700000004.M4P1.other:2,");
        Files.writeString(fresh, text(4)); // a foreign delivery: counted as it is indexed, under the lock
        Files.setLastModifiedTime(cur, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        AtomicBoolean swapped = new AtomicBoolean();
        MaildirFolder.step = s -> {
            if (s.equals("file-checked") && swapped.compareAndSet(false, true)) {
                try { // another program puts a FIFO in its place after it was checked
                    Files.delete(fresh);
                    mkfifo(fresh);
                } catch (Exception x) {
                    throw new java.io.IOException(x);
                }
            }
        };
        assertEquals(4, within(this::select).messages(), "indexed, the open let go (it waited for good before)");
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertTrue(swapped.get());
        StoreException e = within(() -> assertThrows(StoreException.class, () -> store.messages(INBOX, UidSet.of(4))));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertEquals(List.of(served(1, 3), 4L), List.of(store.usage(USER)[0], store.usage(USER)[1]));
    }
}
