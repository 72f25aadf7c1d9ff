package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postrider.store.maildir.MaildirFolderTest.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.address.Domain;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.Resolution;
import org.postrider.api.directory.User;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.QuotaExceededException;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/** The store's memory and disk work: a bounded set of open folders, usage without scans, logins without listings. */
class MaildirStoreTest {
    static final String ALICE = "alice@example.org";

    @TempDir
    Path root;
    final List<MaildirStore> stores = new ArrayList<>();

    MaildirStore store(int maxOpenFolders) throws Exception {
        MaildirStore s = new MaildirStore(root, "athena", maxOpenFolders);
        stores.add(s);
        return s;
    }

    static FolderRef ref(String folder) {
        return FolderRef.of(ALICE, folder);
    }

    /** How many messages a folder has, as a session opening it sees them (a login, a SELECT). */
    static long count(MaildirStore store, String folder) throws StoreException {
        return store.uids(ref(folder)).size();
    }

    @AfterEach
    void close() {
        stores.forEach(MaildirStore::deactivate);
    }

    /** A directory with one user and a quota. */
    static Directory quota(long bytes, long messages) {
        return new Directory() {
            @Override
            public boolean isLocalDomain(Domain domain) {
                return true;
            }

            @Override
            public Resolution resolve(MailAddress address) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<User> user(String id) {
                return Optional.of(new User(id, "Alice", "athena", bytes, messages));
            }

            @Override
            public AuthResult authenticate(String login, char[] password) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void openingMoreFoldersThanTheCapKeepsAtMostTheCapOpen() throws Exception {
        MaildirStore store = store(3);
        for (int i = 0; i < 10; i++) {
            store.createFolder(ALICE, "F" + i, null);
            store.deliver(ALICE, "F" + i, text("m" + i + "\r\n"), "q" + i);
            assertTrue(store.openFolders() <= 3, "open folders: " + store.openFolders());
        }
        store.deliver(ALICE, "INBOX", text("inbox\r\n"), "qi");
        assertTrue(store.openFolders() <= 3, "open folders: " + store.openFolders());
        assertTrue(store.stats().evictions.sum() >= 8);
        for (int i = 0; i < 10; i++) { // every folder still whole when opened again
            assertEquals(1, count(store, "F" + i));
            assertEquals(1, store.messages(ref("F" + i), UidSet.range(1, 100)).size());
            assertTrue(store.openFolders() <= 3);
        }
    }

    @Test
    void aSessionHoldingAFolderByNameAcrossEvictionsNeverMakesASecondWriter() throws Exception {
        MaildirStore store = store(2);
        for (int i = 0; i < 4; i++) {
            store.createFolder(ALICE, "F" + i, null);
        }
        // A session's hold on INBOX: names and the UIDVALIDITY, kept while others evict INBOX.
        FolderRef held = new FolderRef(ALICE, "INBOX", store.summary(ALICE, "INBOX").uidValidity());
        int n = 150;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> jobs = new ArrayList<>();
        jobs.add(pool.submit(() -> {
            for (int i = 0; i < n; i++) {
                store.append(held, text("held " + i + "\r\n"), Set.of(), Set.of(), java.time.Instant.now());
            }
            return null;
        }));
        jobs.add(pool.submit(() -> {
            for (int i = 0; i < n; i++) {
                store.deliver(ALICE, "INBOX", text("smtp " + i + "\r\n"), "in" + i);
            }
            return null;
        }));
        jobs.add(pool.submit(() -> {
            for (int i = 0; i < n; i++) {
                store.deliver(ALICE, "F" + (i % 4), text("other " + i + "\r\n"), "f" + i);
            }
            return null;
        }));
        for (Future<?> j : jobs) {
            j.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(store.stats().evictions.sum() > 0, "the test must evict INBOX while it is held");
        assertEquals(2 * n, store.uids(held).size(), "the held name still reaches the folder");
        store.deactivate();

        Path inbox = FolderNames.userDir(root, ALICE);
        IndexLog log = new IndexLog(inbox);
        IndexLog.State s = log.load();
        assertTrue(s.trusted, "one writer, one readable log");
        assertEquals(2 * n, s.table.size(), "every message has its own UID in the index");
        String[] files = log.files(s.table);
        Set<Long> uids = new HashSet<>();
        for (int r = 0; r < s.table.size(); r++) {
            assertTrue(Files.exists(inbox.resolve(files[r])), files[r]);
            assertEquals(s.table.uid(r), MaildirName.parse(files[r].substring(4)).uid(),
                    "the name's UID is the index's");
            uids.add(s.table.uid(r));
        }
        try (var list = Files.list(inbox.resolve("new"))) {
            assertEquals(2 * n, list.count());
        }
        assertEquals(2 * n, uids.size());
    }

    @Test
    void aDeliveryReadsNoFolderDirectoryAndQuotaFollowsChanges() throws Exception {
        MaildirStore store = store(100);
        store.createFolder(ALICE, "Archive/2024", null); // Sent and Archive come with the mailbox
        for (String f : List.of("Sent", "Archive", "Archive/2024")) {
            store.deliver(ALICE, f, text("in " + f + "\r\n"), "q-" + f);
        }
        store.setDirectory(quota(0, 6));
        store.deliver(ALICE, "INBOX", text("one\r\n"), "q1"); // the first check sums the folders, once
        long scans = store.stats().scans.sum();
        long loads = store.stats().loads.sum();
        store.deliver(ALICE, "INBOX", text("two\r\n"), "q2");
        store.deliver(ALICE, "Archive", text("three\r\n"), "q3");
        assertEquals(scans, store.stats().scans.sum(), "no new/ or cur/ listed for a delivery");
        assertEquals(loads, store.stats().loads.sum(), "no index read for a delivery");
        assertEquals(6, store.usage(ALICE)[1]);
        assertThrows(QuotaExceededException.class, () -> store.deliver(ALICE, "INBOX", text("four\r\n"), "q4"));

        FolderRef archive = ref("Archive");
        store.expunge(archive, UidSet.of(store.uids(archive).first()));
        assertEquals(5, store.usage(ALICE)[1], "an expunge frees its place");
        store.deliver(ALICE, "INBOX", text("four\r\n"), "q4");
        assertEquals(6, store.usage(ALICE)[1]);
        assertEquals(scans, store.stats().scans.sum(), "opening Archive, up to date, listed nothing either");

        store.deleteFolder(ALICE, "Sent");
        assertEquals(5, store.usage(ALICE)[1], "a deleted folder's messages leave the usage");
        store.deliver(ALICE, "INBOX", text("five\r\n"), "q5");
    }

    @Test
    void openingAnUpToDateFolderListsNoDirectoryYetSeesOtherToolsChanges() throws Exception {
        MaildirStore store = store(100);
        for (int i = 0; i < 5; i++) {
            store.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        count(store, "INBOX"); // a POP3 login
        long scans = store.stats().scans.sum();
        assertEquals(5, count(store, "INBOX"));
        store.deliver(ALICE, "INBOX", text("m5\r\n"), "q5");
        assertEquals(6, count(store, "INBOX"));
        store.expunge(ref("INBOX"), UidSet.of(1));
        assertEquals(5, count(store, "INBOX"));
        assertEquals(scans, store.stats().scans.sum(), "logins after the store's own changes list nothing");

        // Another tool drops a message in: new/ changes its mtime, the next login lists and finds it.
        Path inbox = FolderNames.userDir(root, ALICE);
        Files.writeString(inbox.resolve("new/1700000000.M1P1.othertool"), "Subject: foreign\r\n\r\nx\r\n");
        assertEquals(6, count(store, "INBOX"));
        assertEquals(scans + 1, store.stats().scans.sum());
        assertEquals(6, count(store, "INBOX"));
        assertEquals(scans + 1, store.stats().scans.sum(), "listed once for the change, not again");
    }

    @Test
    void aFolderClosedInSyncOpensAgainWithoutAListing() throws Exception {
        MaildirStore first = store(100);
        for (int i = 0; i < 3; i++) {
            first.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        count(first, "INBOX");
        first.deactivate(); // a clean stop notes the sync point in the index

        MaildirStore second = store(100);
        assertEquals(3, count(second, "INBOX"));
        assertEquals(0, second.stats().scans.sum(), "the index matched new/ and cur/: no listing");
        second.deactivate();

        Path inbox = FolderNames.userDir(root, ALICE);
        Files.writeString(inbox.resolve("new/1700000000.M1P1.othertool"), "Subject: foreign\r\n\r\nx\r\n");
        MaildirStore third = store(100);
        assertEquals(4, count(third, "INBOX"), "another tool's message seen");
        assertEquals(1, third.stats().scans.sum());
    }

    @Test
    void aFolderEvictedAgainAndAgainWithoutChangesDoesNotGrowItsIndex() throws Exception {
        MaildirStore store = store(1);
        store.createFolder(ALICE, "Other", null);
        store.deliver(ALICE, "INBOX", text("m\r\n"), "q1");
        Path index = FolderNames.userDir(root, ALICE).resolve(IndexLog.FILE);
        count(store, "Other"); // evicts INBOX: its sync point is noted
        long size = Files.size(index);
        for (int i = 0; i < 20; i++) {
            count(store, "INBOX");
            count(store, "Other");
        }
        assertTrue(store.stats().evictions.sum() >= 40);
        assertEquals(size, Files.size(index));
    }

    @Test
    void aStoppedStoreRefusesTemporarilyInsteadOfOpeningASecondWriter() throws Exception {
        MaildirStore old = store(100);
        old.deliver(ALICE, "INBOX", text("m1\r\n"), "q1");
        // A POP3 or IMAP session across the restart: it holds names, and calls the store it
        // still has until the new one is bound.
        FolderRef held = new FolderRef(ALICE, "INBOX", old.summary(ALICE, "INBOX").uidValidity());
        assertEquals(1, old.uids(held).size());
        org.postrider.api.message.MessageContent content = old.content(held, 1); // a RETR in progress
        old.deactivate();
        MaildirStore next = store(100);
        next.deliver(ALICE, "INBOX", text("m2\r\n"), "q2");
        Path inbox = FolderNames.userDir(root, ALICE);
        byte[] index = Files.readAllBytes(inbox.resolve(IndexLog.FILE));
        List<String> files = Maildirs.files(inbox);

        StoreException e = assertThrows(StoreException.class, () -> old.uids(held));
        assertTrue(e.temporary(), "the client is told to retry");
        StoreException d = assertThrows(StoreException.class,
                () -> old.deliver(ALICE, "INBOX", text("m3\r\n"), "q3"));
        assertTrue(d.temporary(), "an in-flight delivery is retried by the queue");
        for (StoreException w : List.of(
                assertThrows(StoreException.class, () -> old.append(held, text("m4\r\n"), Set.of(), Set.of(),
                        java.time.Instant.now())),
                assertThrows(StoreException.class, () -> old.changeFlags(held, UidSet.of(1), FlagChange.ADD,
                        Set.of(org.postrider.api.store.Flag.SEEN), Set.of(), -1)),
                assertThrows(StoreException.class, () -> old.expunge(held, UidSet.of(1))),
                assertThrows(StoreException.class, () -> old.claimRecent(held)),
                assertThrows(StoreException.class, () -> old.summary(ALICE, "INBOX")),
                assertThrows(StoreException.class, () -> old.createFolder(ALICE, "New", null)))) {
            assertTrue(w.temporary(), w.getMessage());
        }
        assertThrows(java.io.IOException.class, content::open, "its content too is refused: the session retries");
        assertEquals(0, old.openFolders(), "the old store opened nothing again");
        assertArrayEquals(index, Files.readAllBytes(inbox.resolve(IndexLog.FILE)), "the old store wrote nothing");
        assertEquals(files, Maildirs.files(inbox), "nor any message file");
        assertEquals(List.of("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"), next.folderNames(ALICE));
        assertEquals(2, next.uids(held).size(), "the held names reach the new store");
    }

    @Test
    void aFolderHasOneWriterAcrossStoreInstances() throws Exception {
        MaildirStore first = store(100);
        first.deliver(ALICE, "INBOX", text("m1\r\n"), "q1"); // INBOX open in the first, its lock held
        MaildirStore second = store(100);

        StoreException e = assertThrows(StoreException.class,
                () -> second.deliver(ALICE, "INBOX", text("m2\r\n"), "q2"));
        assertTrue(e.temporary());
        assertTrue(Files.exists(FolderNames.userDir(root, ALICE).resolve(FolderLock.FILE)));

        first.deactivate(); // lets go of the lock
        assertEquals(2, second.deliver(ALICE, "INBOX", text("m2\r\n"), "q2"));
        assertEquals(2, count(second, "INBOX"));
    }

    @Test
    void aRedeliveryOfAMessageThatFilledTheMailboxIsAcceptedNotRefusedForQuota() throws Exception {
        MaildirStore store = store(100);
        store.setDirectory(quota(0, 1));
        long uid = store.deliver(ALICE, "INBOX", text("fills it\r\n"), "q1");
        // The queue did not learn of the success (a crash before it noted it) and delivers again.
        assertEquals(uid, store.deliver(ALICE, "INBOX", text("fills it\r\n"), "q1"));
        assertThrows(QuotaExceededException.class, () -> store.deliver(ALICE, "INBOX", text("new\r\n"), "q2"));
        assertEquals(1, count(store, "INBOX"));
    }

    @Test
    void aRenameLeavesNoInstanceOfTheOldFolderOpen() throws Exception {
        MaildirStore store = store(100);
        store.createFolder(ALICE, "A", null);
        store.deliver(ALICE, "A", text("m\r\n"), "q1");
        Path a = FolderNames.folderDir(store.userDir(ALICE), "A");
        Path b = FolderNames.folderDir(store.userDir(ALICE), "B");
        AtomicBoolean stop = new AtomicBoolean();
        FolderHandle h = store.folder(ALICE, "A"); // resolved before the renames, used throughout
        Thread reader = Thread.ofPlatform().start(() -> { // a session that keeps using A by name
            while (!stop.get()) {
                try {
                    h.call(f -> f.uids(0));
                } catch (StoreException e) {
                    // renamed away meanwhile
                }
                try {
                    store.uids(ref("A"));
                } catch (StoreException e) {
                    // renamed away meanwhile
                }
            }
        });
        try {
            for (int i = 0; i < 200; i++) {
                store.renameFolder(ALICE, "A", "B");
                assertFalse(store.holdsLoaded(a), "round " + i + ": A's index stayed open after its rename");
                store.renameFolder(ALICE, "B", "A");
                assertFalse(store.holdsLoaded(b), "round " + i + ": B's index stayed open after its rename");
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertEquals(1, count(store, "A"));
    }

    @Test
    void copyAndMoveWorkWhateverTheCacheSize() throws Exception {
        // A copy or move needs two folders open at once; a cache of one (maxOpenFolders' minimum)
        // must not evict the first while it takes the second, again and again.
        MaildirStore store = store(1);
        for (int i = 1; i <= 3; i++) {
            store.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        assertEquals(UidSet.of(1), store.copy(ref("INBOX"), UidSet.of(1), "Archive").target());
        assertEquals(UidSet.of(2), store.move(ref("INBOX"), UidSet.of(2), "Archive").target());
        assertEquals(UidSet.of(1, 3), store.uids(ref("INBOX")));
        assertEquals(UidSet.of(1, 2), store.uids(ref("Archive")));
        assertTrue(store.openFolders() <= 2, "one over the cap at most, for the call that needed two: "
                + store.openFolders());
        count(store, "Drafts");
        assertTrue(store.openFolders() <= 1, "back within the cap at the next folder: " + store.openFolders());
    }

    @Test
    void deliveriesThatArriveTogetherNeverFillAMailboxPastItsQuota() throws Exception {
        MaildirStore store = store(100);
        store.setDirectory(quota(0, 2));
        List<String> folders = List.of("INBOX", "Sent", "Archive", "Drafts", "Trash", "Notes");
        ExecutorService pool = Executors.newFixedThreadPool(folders.size());
        try {
            for (int round = 0; round < 40; round++) {
                // one place left: the deliveries race for it, each into a folder of its own (no shared folder lock)
                store.deliver(ALICE, "INBOX", text("first\r\n"), "r" + round + "-first");
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<Boolean>> tries = new ArrayList<>();
                for (String f : folders) {
                    String id = "r" + round + "-" + f;
                    tries.add(pool.submit(() -> {
                        go.await();
                        try {
                            store.deliver(ALICE, f, text("race " + id + "\r\n"), id);
                            return true;
                        } catch (QuotaExceededException e) {
                            return false;
                        }
                    }));
                }
                go.countDown();
                int delivered = 0;
                for (Future<Boolean> t : tries) {
                    delivered += t.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                long stored = 0;
                List<String> existing = store.folderNames(ALICE); // "Notes" is made by the delivery that wins it
                for (String f : folders) {
                    stored += existing.contains(f) ? count(store, f) : 0;
                }
                assertEquals(1, delivered, "round " + round + ": one delivery takes the last place");
                assertEquals(2, stored, "round " + round + ": the mailbox holds its quota, no more");
                for (String f : store.folderNames(ALICE)) { // empty again for the next round
                    UidSet all = store.uids(ref(f));
                    if (!all.isEmpty()) {
                        store.expunge(ref(f), all);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void copyAndAppendCountAgainstTheQuotaAndAMoveDoesNot() throws Exception {
        MaildirStore store = store(100);
        store.setDirectory(quota(0, 3));
        for (int i = 1; i <= 3; i++) {
            store.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        assertThrows(QuotaExceededException.class, () -> store.copy(ref("INBOX"), UidSet.of(1), "Archive"));
        assertThrows(QuotaExceededException.class, () -> store.append(ref("Drafts"), text("d\r\n"), Set.of(),
                Set.of(), java.time.Instant.now()));
        assertEquals(0, count(store, "Archive"), "nothing copied");
        assertEquals(0, count(store, "Drafts"), "nothing appended");
        assertEquals(UidSet.of(1), store.move(ref("INBOX"), UidSet.of(1), "Archive").target(), "a move adds nothing");
        assertEquals(3, store.usage(ALICE)[1]);
        store.expunge(ref("INBOX"), UidSet.of(2));
        assertEquals(UidSet.of(2), store.copy(ref("INBOX"), UidSet.of(3), "Archive").target(), "room again");
    }

    @Test
    void contentHeldAcrossAnEvictionStillOpens() throws Exception {
        MaildirStore store = store(1);
        store.deliver(ALICE, "INBOX", text("kept\r\n"), "q1");
        org.postrider.api.message.MessageContent c = store.content(ref("INBOX"), 1);
        long evictions = store.stats().evictions.sum();
        count(store, "Archive"); // INBOX leaves the cache
        assertTrue(store.stats().evictions.sum() > evictions);
        assertEquals("kept\r\n", new String(MaildirFolderTest.read(c)), "found again through the store");
    }
}
