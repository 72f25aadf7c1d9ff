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
}
