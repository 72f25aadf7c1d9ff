package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postrider.store.maildir.MaildirFolderTest.text;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;

/**
 * The UIDVALIDITYs of one user's folders: folders an earlier release made with one value each
 * get one of their own at load (also when a kill cuts that short), a lost floor never hands
 * out a value a folder holds, and the threads of one JVM queue for the user's lock.
 */
class UidValiditiesTest {
    static final String ALICE = "alice@example.org";

    @TempDir
    Path root;
    final List<MaildirStore> stores = new ArrayList<>();

    MaildirStore store() throws Exception {
        MaildirStore s = new MaildirStore(root, "athena", 100);
        stores.add(s);
        return s;
    }

    MaildirStore restart(MaildirStore s) throws Exception {
        s.deactivate();
        return store();
    }

    @AfterEach
    void close() {
        MaildirFolder.step = MaildirFolder.Step.NONE;
        stores.forEach(MaildirStore::deactivate);
    }

    /** Three folders with a message each, opened once (so each has its index and its UIDVALIDITY file). */
    private static MaildirStore withFolders(MaildirStore s, String... names) throws Exception {
        for (String n : names) {
            s.createFolder(ALICE, n, null);
            s.deliver(ALICE, n, text("Subject: " + n + "\r\n\r\n" + n + "\r\n"), "q" + n);
            s.summary(ALICE, n);
        }
        return s;
    }

    /**
     * What an earlier release could leave (before the floor, folders made in one second got one
     * value): each folder's file and index say {@code v}, and there are no owner records.
     */
    private void shareOneValidity(Path userDir, long v, String... names) throws Exception {
        for (String n : names) {
            Path dir = FolderNames.folderDir(userDir, n);
            Files.writeString(dir.resolve(MaildirFolder.UIDVALIDITY_FILE), v + "\n");
            Path index = dir.resolve(IndexLog.FILE);
            String log = Files.readString(index, StandardCharsets.UTF_8);
            assertTrue(log.startsWith("V "), log);
            String[] first = log.substring(0, log.indexOf('\n')).split(" ");
            Files.writeString(index, "V " + v + " " + first[2] + " " + first[3] + log.substring(log.indexOf('\n')),
                    StandardCharsets.UTF_8);
        }
        Path owners = userDir.resolve(UidValidities.OWNERS);
        if (Files.exists(owners)) {
            try (Stream<Path> s = Files.list(owners)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(owners);
        }
    }

    private static Map<String, Long> validities(MaildirStore s) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String n : s.folderNames(ALICE)) {
            m.put(n, s.summary(ALICE, n).uidValidity());
        }
        return m;
    }

    private static void assertAllDistinct(Map<String, Long> v) {
        assertEquals(v.size(), new HashSet<>(v.values()).size(), "no two folders share a UIDVALIDITY: " + v);
        assertTrue(v.values().stream().allMatch(x -> x > 0), "every folder has one: " + v);
    }

    private static void assertMessagesKept(MaildirStore s, String... names) throws Exception {
        for (String n : names) {
            FolderRef ref = FolderRef.of(ALICE, n);
            assertEquals(UidSet.of(1), s.uids(ref), n);
            assertEquals("Subject: " + n + "\r\n\r\n" + n + "\r\n",
                    new String(MaildirFolderTest.read(s.content(ref, 1)), StandardCharsets.UTF_8));
        }
    }

    @Test
    void foldersOfAnEarlierReleaseThatShareAUidvalidityGetOneEachAtLoad() throws Exception {
        MaildirStore s = withFolders(store(), "A", "B", "C");
        long v = s.summary(ALICE, "A").uidValidity();
        Path userDir = s.userDir(ALICE);
        s.deactivate();
        shareOneValidity(userDir, v, "A", "B", "C");

        MaildirStore next = store();
        Map<String, Long> now = validities(next);
        assertAllDistinct(now);
        assertEquals(1, Stream.of("A", "B", "C").filter(n -> now.get(n) == v).count(), "one keeps it: " + now);
        String moved = Stream.of("A", "B", "C").filter(n -> now.get(n) != v).findFirst().orElseThrow();
        assertThrows(UidValidityChangedException.class,
                () -> next.messages(new FolderRef(ALICE, moved, v), UidSet.of(1)), "its clients resynchronise");
        assertMessagesKept(next, "A", "B", "C");
        assertTrue(UidValidities.floor(userDir) >= Collections.max(now.values()), "the floor covers the new ones");

        MaildirStore third = restart(next);
        assertEquals(now, validities(third), "stable from then on");
        third.createFolder(ALICE, "D", null);
        assertAllDistinct(validities(third));
    }

    /**
     * A folder is looked for by its UIDVALIDITY to take back what a failed command added: after
     * that folder was deleted, another folder of an earlier release still carrying the same value
     * unclaimed is not it (its own messages would be expunged).
     */
    @Test
    void aDeletedFoldersUidvalidityIsNotFoundInAnUnopenedFolderThatSharedIt() throws Exception {
        MaildirStore s = withFolders(store(), "A", "C");
        long v = s.summary(ALICE, "A").uidValidity();
        Path userDir = s.userDir(ALICE);
        s.deactivate();
        shareOneValidity(userDir, v, "A", "C");

        MaildirStore next = store();
        assertEquals(v, next.summary(ALICE, "A").uidValidity(), "A, opened first, owns it");
        next.deleteFolder(ALICE, "A");
        assertNull(next.folderOf(ALICE, v), "no folder has it now");
        assertMessagesKept(next, "C");
        assertNotEquals(v, next.summary(ALICE, "C").uidValidity(), "C, loaded later, gets a value of its own");
        assertNull(restart(next).folderOf(ALICE, v), "a deleted folder's value is never found again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"validity-issued", "validity-file", "validity-owned"})
    void aReplacementCutShortByAKillLeavesNoFolderWithoutOrWithAnotherFoldersUidvalidity(String step)
            throws Exception {
        MaildirStore s = withFolders(store(), "A", "B");
        long v = s.summary(ALICE, "A").uidValidity();
        Path userDir = s.userDir(ALICE);
        s.deactivate();
        shareOneValidity(userDir, v, "A", "B");

        MaildirStore crashing = store();
        assertEquals(v, crashing.summary(ALICE, "A").uidValidity(), "the first to load keeps it");
        MaildirFolder.step = at -> {
            if (at.equals(step)) {
                throw new MoveCrashTest.Crash();
            }
        };
        assertThrows(MoveCrashTest.Crash.class, () -> crashing.summary(ALICE, "B"));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        crashing.deactivate(); // the process is gone

        MaildirStore after = store();
        Map<String, Long> now = validities(after);
        assertEquals(v, now.get("A"));
        assertNotEquals(v, now.get("B"));
        assertAllDistinct(now);
        assertMessagesKept(after, "A", "B");
        assertEquals(now, validities(restart(after)), "stable from then on");
    }

    /** A floor far ahead of the clock, as folders retired with high values leave it. */
    private static long floorAhead(MaildirStore s) throws Exception {
        s.folders(ALICE);
        long floor = Instant.now().getEpochSecond() + 100_000;
        Files.writeString(s.userDir(ALICE).resolve(UidValidities.FLOOR), floor + "\n");
        return floor;
    }

    @Test
    void aLostOrDamagedFloorNeverHandsOutAUidvalidityAFolderHolds() throws Exception {
        MaildirStore s = store();
        long floor = floorAhead(s);
        withFolders(s, "A", "B");
        assertTrue(s.summary(ALICE, "B").uidValidity() > floor);
        Path floorFile = s.userDir(ALICE).resolve(UidValidities.FLOOR);

        Files.delete(floorFile); // lost
        withFolders(s, "C");
        Map<String, Long> now = validities(s);
        assertAllDistinct(now);
        assertTrue(now.get("C") > now.get("B"), "above every folder's, not the clock's: " + now);

        Files.writeString(floorFile, "\u0000\u0000garbage"); // damaged
        withFolders(s, "D");
        now = validities(s);
        assertAllDistinct(now);
        assertTrue(now.get("D") > now.get("C"), now.toString());

        Files.delete(floorFile); // lost, then the highest folder deleted and one made under its name
        long d = now.get("D");
        s.deleteFolder(ALICE, "D");
        withFolders(s, "D");
        assertTrue(s.summary(ALICE, "D").uidValidity() > d, "not the deleted folder's value again");
        assertAllDistinct(validities(s));
    }

    @Test
    void threadsOfOneJvmQueueForTheUidvalidityLockInsteadOfPollingIt() throws Exception {
        Path user = Files.createDirectories(root.resolve("example.org").resolve("bob"));
        Set<Long> issued = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long pollsBefore = FolderLock.POLLS.sum();
        List<Thread> threads = new ArrayList<>();
        int perThread = 25;
        for (int t = 0; t < 12; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        issued.add(UidValidities.issue(user, 1));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(List.of(), failures);
        assertEquals(threads.size() * perThread, issued.size(), "each one once");
        assertEquals(0, FolderLock.POLLS.sum() - pollsBefore, "no thread slept on the OS lock");
        assertEquals(Collections.max(issued), UidValidities.floor(user));
    }
    /**
     * The first load of each folder after an upgrade writes under the user's lock (its owner
     * record; here its lost UIDVALIDITY file too, each write made slow): many loads at once
     * queued past the 2 s the lock was waited for, and those SELECTs failed.
     */
    @Test
    void manyFoldersLoadingAtOnceWaitTheirTurnForTheUidvalidityLockInsteadOfFailing() throws Exception {
        String[] names = new String[16];
        for (int i = 0; i < names.length; i++) {
            names[i] = "F" + i;
        }
        MaildirStore s = withFolders(store(), names);
        Map<String, Long> before = validities(s);
        Path userDir = s.userDir(ALICE);
        s.deactivate();
        for (String n : names) { // as a release before the owner records left them, the files lost too
            Files.delete(FolderNames.folderDir(userDir, n).resolve(MaildirFolder.UIDVALIDITY_FILE));
        }
        try (Stream<Path> records = Files.list(userDir.resolve(UidValidities.OWNERS))) {
            for (Path p : records.toList()) {
                Files.delete(p);
            }
        }
        MaildirFolder.step = at -> {
            if (at.equals("validity-file")) {
                try {
                    Thread.sleep(200); // a slow disk: 16 turns at the lock take 3.2 s
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        MaildirStore next = store();
        Map<String, Long> after = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String n : names) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    after.put(n, next.summary(ALICE, n).uidValidity());
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        assertEquals(List.of(), failures, "no SELECT fails for waiting its turn");
        MaildirFolder.step = MaildirFolder.Step.NONE;
        before.keySet().retainAll(after.keySet()); // the folders loaded at once (not INBOX, Drafts...)
        assertEquals(names.length, before.size());
        assertEquals(before, after, "each folder keeps its UIDVALIDITY");
        Map<String, Long> again = validities(restart(next));
        again.keySet().retainAll(after.keySet());
        assertEquals(before, again, "and owns it");
    }

    /**
     * RENAME moves the owner record with the folder closed: a load of the folder under its old
     * name, racing with the rename, took the value back for the old name (its record then named
     * a directory that is gone), and a kill between the record and the directory's move leaves
     * a folder that owns its value again at its next load.
     */
    @Test
    void renameMovesTheOwnerRecordWithTheFolderClosed() throws Exception {
        MaildirStore s = withFolders(store(), "A");
        long v = s.summary(ALICE, "A").uidValidity();
        Path userDir = s.userDir(ALICE);
        Path record = userDir.resolve(UidValidities.OWNERS).resolve(Long.toString(v));
        assertEquals(".A", Files.readString(record));

        MaildirStore next = restart(s); // A not loaded: the load below races with the rename
        java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        MaildirFolder.step = at -> {
            if (at.equals("open-checked") && loading.getCount() > 0) {
                loading.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread load = Thread.ofPlatform().start(() -> {
            try {
                next.summary(ALICE, "A");
            } catch (NoSuchFolderException e) {
                // the summary after the load met the folder renamed: as a client would
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        assertTrue(loading.await(30, java.util.concurrent.TimeUnit.SECONDS));
        MaildirFolder a = next.cached(ALICE, "A", FolderNames.folderDir(userDir, "A"));
        Thread rename = Thread.ofPlatform().start(() -> {
            try {
                next.renameFolder(ALICE, "A", "B");
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        while (!a.hasQueuedCallers()) { // the rename waits to close A, which the load holds
            assertTrue(rename.isAlive(), "the rename waits for the load");
            Thread.onSpinWait();
        }
        go.countDown();
        load.join(30_000);
        rename.join(30_000);
        assertEquals(List.of(), failures);
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertEquals(".B", Files.readString(record), "the record names the folder where it is now");
        assertEquals("B", next.folderOf(ALICE, v));
        assertEquals(v, next.summary(ALICE, "B").uidValidity());

        // a kill between the record's move and the directory's: the folder owns its value where it is
        MaildirFolder.step = at -> {
            if (at.equals("rename-owned")) {
                throw new MoveCrashTest.Crash();
            }
        };
        assertThrows(MoveCrashTest.Crash.class, () -> next.renameFolder(ALICE, "B", "C"));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        MaildirStore after = restart(next);
        assertTrue(after.folderNames(ALICE).contains("B") && !after.folderNames(ALICE).contains("C"));
        assertEquals(v, after.summary(ALICE, "B").uidValidity(), "no new UIDVALIDITY");
        assertEquals(".B", Files.readString(record));
        assertEquals("B", after.folderOf(ALICE, v));
        assertEquals(UidSet.of(1), after.uids(FolderRef.of(ALICE, "B")), "its message with it");
    }

    /**
     * A UIDVALIDITY file or owner record that cannot be read (an I/O error, not a missing file)
     * fails the load instead of being taken for "none": a new UIDVALIDITY would make clients
     * drop their caches, and another folder could take over the value.
     */
    @Test
    void anUnreadableUidvalidityIsAnErrorNotANewValue() throws Exception {
        MaildirStore s = withFolders(store(), "A");
        long v = s.summary(ALICE, "A").uidValidity();
        Path userDir = s.userDir(ALICE);
        Path file = FolderNames.folderDir(userDir, "A").resolve(MaildirFolder.UIDVALIDITY_FILE);
        MaildirStore next = restart(s);
        Files.delete(file);
        Files.createDirectory(file); // reading it fails with an I/O error (EISDIR), as a failing disk would
        assertThrows(org.postrider.api.store.StoreException.class, () -> next.summary(ALICE, "A"));
        assertThrows(java.io.IOException.class, () -> UidValidities.validityOf(file.getParent()));
        Files.delete(file);
        Files.writeString(file, v + "\n");
        assertEquals(v, next.summary(ALICE, "A").uidValidity(), "the same value once it reads again");

        Path record = userDir.resolve(UidValidities.OWNERS).resolve(Long.toString(v));
        Files.delete(record);
        Files.createDirectory(record);
        assertThrows(org.postrider.api.store.StoreException.class, () -> next.folderOf(ALICE, v));
        Files.delete(record);
        Files.writeString(record, ".A");
        assertEquals("A", next.folderOf(ALICE, v));
        assertEquals(0, UidValidities.validityOf(userDir.resolve(".none")), "a missing file is no value");
    }
}
