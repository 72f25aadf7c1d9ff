package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.postrider.store.maildir.MaildirFolderTest.text;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * Folders deleted, renamed or closed while calls use them: one user's long call holds up no
 * other user, and a folder deleted under a writer stays deleted (no directory made again).
 * The interleavings are forced with the folder's step hook; every wait is bounded.
 */
class FolderRaceTest {
    private static final String ALICE = "alice@example.org";
    private static final String BOB = "bob@example.org";
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path root;
    final List<MaildirStore> stores = new ArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        MaildirFolder.step = MaildirFolder.Step.NONE;
        stores.forEach(MaildirStore::deactivate);
    }

    MaildirStore store() throws Exception {
        MaildirStore s = new MaildirStore(root, "athena", 100);
        stores.add(s);
        return s;
    }

    /** A call on a thread of its own, joined with a deadline. */
    static final class Running<T> {
        private final Thread thread;
        private volatile T result;
        private volatile Throwable error;

        private Running(String name, Callable<T> call) {
            thread = Thread.ofPlatform().name(name).unstarted(() -> {
                try {
                    result = call.call();
                } catch (Throwable t) {
                    error = t;
                }
            });
        }

        static <T> Running<T> start(String name, Callable<T> call) {
            Running<T> r = new Running<>(name, call);
            r.thread.start();
            return r;
        }

        /** The call's result; fails the test if it has not returned within the deadline. */
        T join(String what) throws Exception {
            if (!thread.join(java.time.Duration.ofSeconds(WAIT_SECONDS))) {
                fail(what + " did not return within " + WAIT_SECONDS + " s");
            }
            if (error instanceof Exception e) {
                throw e;
            }
            if (error != null) {
                throw new AssertionError(error);
            }
            return result;
        }

        /** What the call threw, once it has returned (null if it did not throw). */
        Throwable failure(String what) throws Exception {
            try {
                join(what);
                return null;
            } catch (Exception e) {
                return e;
            }
        }

        boolean alive() {
            return thread.isAlive();
        }

        Thread.State state() {
            return thread.getState();
        }
    }

    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            fail(what + " did not happen within " + WAIT_SECONDS + " s");
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + " did not happen within " + WAIT_SECONDS + " s");
            }
            Thread.sleep(5);
        }
    }

    /** A hook step that, on the thread named {@code thread}, says it is there and waits for {@link #release}. */
    private MaildirFolder.Step holdAt(String step, String thread, CountDownLatch there) {
        return s -> {
            if (s.equals(step) && Thread.currentThread().getName().equals(thread)) {
                there.countDown();
                try {
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** Bob's folder Work with one message, and a flag change on it held (its lock taken) until {@link #release}. */
    private Running<?> busyFolder(MaildirStore store) throws Exception {
        store.createFolder(BOB, "Work", null);
        store.deliver(BOB, "Work", text("Subject: work\r\n\r\nwork\r\n"), "b1");
        store.summary(ALICE, "INBOX"); // alice's mailbox exists
        CountDownLatch busy = new CountDownLatch(1);
        MaildirFolder.step = holdAt("flag-file", "bob-flags", busy);
        Running<?> flags = Running.start("bob-flags", () -> store.changeFlags(FolderRef.of(BOB, "Work"),
                UidSet.of(1), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of(), -1));
        await(busy, "bob's flag change");
        return flags;
    }

    @Test
    void aFolderDeletedWhileALongCallUsesItHoldsUpNoOtherUser() throws Exception {
        MaildirStore store = store();
        Running<?> flags = busyFolder(store);
        MaildirFolder work = store.folder(BOB, "Work").folder();
        Running<?> delete = Running.start("bob-delete", () -> {
            store.deleteFolder(BOB, "Work");
            return null;
        });
        awaitTrue(work::hasQueuedCallers, "the deletion waiting for bob's call");

        Running<?> alice = Running.start("alice", () -> store.summary(ALICE, "INBOX"));
        alice.join("alice's call while bob's folder is busy and being deleted");
        assertTrue(flags.alive() && delete.alive(), "alice's call came back while bob's were still at it");

        release.countDown();
        flags.join("bob's flag change");
        delete.join("the deletion");
        assertFalse(Files.exists(FolderNames.folderDir(store.userDir(BOB), "Work")));
        assertFalse(store.folderNames(BOB).contains("Work"));
    }

    @Test
    void aFolderOperationOfOneUserDoesNotWaitForAnotherUsersBusyFolder() throws Exception {
        MaildirStore store = store();
        String carol = userBesideBobInTheTreeLocks(store);
        store.summary(carol, "INBOX");
        Running<?> flags = busyFolder(store);
        MaildirFolder work = store.folder(BOB, "Work").folder();
        Running<?> delete = Running.start("bob-delete", () -> {
            store.deleteFolder(BOB, "Work");
            return null;
        });
        awaitTrue(work::hasQueuedCallers, "the deletion waiting for bob's call");

        Running<?> create = Running.start("carol", () -> {
            store.createFolder(carol, "Projects", null);
            return null;
        });
        create.join("carol's CREATE while bob's folder is busy and being deleted");
        assertTrue(flags.alive() && delete.alive(), "carol's call came back while bob's were still at it");
        release.countDown();
        flags.join("bob's flag change");
        delete.join("the deletion");
        assertTrue(store.folderNames(carol).contains("Projects"));
    }

    /** A user whose folder tree shared a lock stripe with bob's (64 stripes by the user directory's hash). */
    private static String userBesideBobInTheTreeLocks(MaildirStore store) throws StoreException {
        int bob = Math.floorMod(store.userDir(BOB).hashCode(), 64);
        for (int i = 0; i < 100_000; i++) {
            String u = "carol" + i + "@example.org";
            if (Math.floorMod(store.userDir(u).hashCode(), 64) == bob) {
                return u;
            }
        }
        throw new AssertionError("no user found beside bob");
    }

    @Test
    void stoppingTheStoreWhileALongCallRunsRefusesOtherCallsAtOnce() throws Exception {
        MaildirStore store = store();
        Running<?> flags = busyFolder(store);
        MaildirFolder work = store.folder(BOB, "Work").folder();
        Running<?> stop = Running.start("stop", () -> {
            store.deactivate();
            return null;
        });
        awaitTrue(work::hasQueuedCallers, "the stop waiting for bob's call");

        Running<?> alice = Running.start("alice", () -> store.summary(ALICE, "INBOX"));
        Throwable refused = alice.failure("alice's call while the store stops");
        StoreException e = assertInstanceOf(StoreException.class, refused);
        assertTrue(e.temporary(), "the successor serves it");
        assertTrue(flags.alive(), "refused at once, not once bob's call was done");
        release.countDown();
        flags.join("bob's flag change");
        stop.join("the stop");
    }

    @Test
    void anAppendRacingTheDeletionOfItsFolderFailsAndMakesNoDirectory() throws Exception {
        MaildirStore store = store();
        store.createFolder(ALICE, "X", null);
        store.deliver(ALICE, "X", text("Subject: x\r\n\r\nx\r\n"), "x1");
        Path x = FolderNames.folderDir(store.userDir(ALICE), "X");
        List<String> before = userDirEntries(store);

        CountDownLatch deleterThere = new CountDownLatch(1);
        CountDownLatch goDelete = new CountDownLatch(1);
        AtomicBoolean deleterResumed = new AtomicBoolean();
        CountDownLatch appenderThere = new CountDownLatch(1); // loading X again (opened beside the deletion)
        CountDownLatch goOpen = new CountDownLatch(1);
        CountDownLatch appenderWaits = new CountDownLatch(1); // waiting for the deletion, in the cache
        MaildirFolder.step = s -> {
            String t = Thread.currentThread().getName();
            try {
                if (s.equals("delete-closed") && t.equals("delete")) {
                    deleterThere.countDown();
                    goDelete.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    deleterResumed.set(true);
                } else if (s.equals("open-checked") && t.equals("append")) {
                    appenderThere.countDown();
                    goOpen.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } else if (s.equals("cache-wait") && t.equals("append")) {
                    appenderWaits.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Running<?> delete = Running.start("delete", () -> {
            store.deleteFolder(ALICE, "X");
            return null;
        });
        await(deleterThere, "the deletion closing X");
        Running<?> append = Running.start("append", () -> store.append(FolderRef.of(ALICE, "X"),
                text("Subject: late\r\n\r\nlate\r\n"), Set.of(), Set.of(), java.time.Instant.now()));
        awaitTrue(() -> appenderThere.getCount() == 0 || appenderWaits.getCount() == 0,
                "the append reaching X");
        goDelete.countDown();
        if (appenderThere.getCount() == 0) { // it opened X beside the deletion: let it go on once X is gone
            awaitTrue(() -> deleterResumed.get() && (delete.state() == Thread.State.WAITING || !delete.alive()),
                    "the deletion done with X's files");
        }
        goOpen.countDown();

        delete.join("the deletion");
        Throwable refused = append.failure("the append");
        StoreException e = assertInstanceOf(StoreException.class, refused, "the append into a deleted folder");
        assertFalse(e.temporary(), "no such folder: " + e.getMessage());
        assertFalse(Files.exists(x), "X's directory was made again after its deletion");
        assertFalse(store.folderNames(ALICE).contains("X"));
        List<String> after = userDirEntries(store);
        List<String> expected = new ArrayList<>(before);
        expected.remove(x.getFileName().toString());
        expected.add(FolderTree.VALIDITY_FLOOR);
        assertEquals(expected.stream().distinct().sorted().toList(), after, "nothing else is left behind");
    }

    private static List<String> userDirEntries(MaildirStore store) throws Exception {
        try (Stream<Path> s = Files.list(store.userDir(ALICE))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDeliveryRacingTheDeletionOfItsFolderMakesTheFolderAgainWhole() throws Exception {
        MaildirStore store = store();
        store.createFolder(ALICE, "X", null);
        store.deliver(ALICE, "X", text("Subject: x\r\n\r\nx\r\n"), "x1");
        long oldValidity = store.summary(ALICE, "X").uidValidity();
        Path x = FolderNames.folderDir(store.userDir(ALICE), "X");

        CountDownLatch written = new CountDownLatch(1);
        MaildirFolder.step = holdAt("add-tmp", "deliver", written);
        Running<Long> deliver = Running.start("deliver", () -> store.deliver(ALICE, "X",
                text("Subject: late\r\n\r\nlate\r\n"), "late"));
        await(written, "the delivery writing its message");
        store.deleteFolder(ALICE, "X");
        release.countDown();

        long uid = deliver.join("the delivery"); // a delivery into a missing folder makes it, as the contract says
        for (String sub : List.of("cur", "new", "tmp", "maildirfolder")) {
            assertTrue(Files.exists(x.resolve(sub)), "X made again whole: " + sub);
        }
        FolderRef ref = FolderRef.of(ALICE, "X");
        assertEquals(UidSet.of(uid), store.uids(ref));
        try (InputStream in = store.content(ref, uid).open()) {
            assertEquals("Subject: late\r\n\r\nlate\r\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(store.summary(ALICE, "X").uidValidity() > oldValidity, "a new folder under the old name");
    }

    @Test
    void deletionsAndCreationsRacingAppendsAndDeliveriesLeaveOnlyWholeFolders() throws Exception {
        MaildirStore store = store();
        store.createFolder(ALICE, "X", null);
        FolderRef x = FolderRef.of(ALICE, "X");
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
        Running<?> appender = Running.start("append", () -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    store.append(x, text("Subject: a" + i + "\r\n\r\na\r\n"), Set.of(), Set.of(),
                            java.time.Instant.now());
                    stored.incrementAndGet();
                } catch (NoSuchFolderException e) {
                    // deleted: no such folder, and nothing made
                } catch (Exception e) {
                    unexpected.add(e);
                }
            }
            return null;
        });
        Running<?> deliverer = Running.start("deliver", () -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    store.deliver(ALICE, "X", text("Subject: d" + i + "\r\n\r\nd\r\n"), "d" + i);
                    stored.incrementAndGet();
                } catch (StoreException e) {
                    if (!(e.temporary() && e.getMessage().contains("keeps being deleted"))) {
                        unexpected.add(e);
                    }
                }
            }
            return null;
        });
        try {
            for (int round = 0; round < 100; round++) {
                try {
                    store.deleteFolder(ALICE, "X");
                } catch (NoSuchFolderException e) {
                    // a delivery had not made it again yet
                }
                try {
                    store.createFolder(ALICE, "X", null);
                } catch (StoreException e) {
                    assertFalse(e.temporary(), e.getMessage()); // made again by a delivery meanwhile
                }
            }
        } finally {
            stop.set(true);
        }
        appender.join("the appends");
        deliverer.join("the deliveries");
        assertEquals(List.of(), unexpected);
        assertTrue(stored.get() > 0, "some messages went in between the deletions");

        Path userDir = store.userDir(ALICE);
        try (Stream<Path> s = Files.list(userDir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                assertFalse(n.startsWith(FolderTree.DELETED), "a deleted folder left: " + n);
                if (n.startsWith(".X")) {
                    for (String sub : List.of("cur", "new", "tmp", "maildirfolder")) {
                        assertTrue(Files.exists(p.resolve(sub)), n + " is half made: no " + sub);
                    }
                }
            }
        }
        assertEquals(Maildirs.files(FolderNames.folderDir(userDir, "X")).size(), store.uids(x).size(),
                "the index of X names its files");
    }
}
