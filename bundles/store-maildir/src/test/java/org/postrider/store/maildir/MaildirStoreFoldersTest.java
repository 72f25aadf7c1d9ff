package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postrider.store.maildir.MaildirFolderTest.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderInfo;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.SpecialUse;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/** A user's folders through the MailStore methods: the new mailbox, subscriptions, special uses, create, rename, delete. */
class MaildirStoreFoldersTest {
    static final String ALICE = "alice@example.org";
    static final UidSet ALL = UidSet.range(1, 1000);

    @TempDir
    Path root;
    final List<MaildirStore> stores = new ArrayList<>();
    final List<StoreEvent> events = new CopyOnWriteArrayList<>();

    MaildirStore store() throws Exception {
        MaildirStore s = new MaildirStore(root, "athena", 100);
        s.addListener(events::add);
        stores.add(s);
        return s;
    }

    /** Stops the instance as DS would and starts the next on the same root. */
    MaildirStore restart(MaildirStore s) throws Exception {
        s.deactivate();
        return store();
    }

    @AfterEach
    void close() {
        stores.forEach(MaildirStore::deactivate);
    }

    private static FolderInfo info(MaildirStore s, String name) throws StoreException {
        return s.folders(ALICE).stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    private static List<String> names(MaildirStore s) throws StoreException {
        return s.folders(ALICE).stream().map(FolderInfo::name).toList();
    }

    @Test
    void aNewUserHasInboxAndTheSpecialUseFoldersAllSubscribed() throws Exception {
        MaildirStore s = store();
        assertEquals(List.of(
                new FolderInfo("INBOX", null, true),
                new FolderInfo("Archive", SpecialUse.ARCHIVE, true),
                new FolderInfo("Drafts", SpecialUse.DRAFTS, true),
                new FolderInfo("Junk", SpecialUse.JUNK, true),
                new FolderInfo("Sent", SpecialUse.SENT, true),
                new FolderInfo("Trash", SpecialUse.TRASH, true)), s.folders(ALICE));
        assertEquals(Set.of("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"), Set.copyOf(s.subscriptions(ALICE)));
        assertEquals(List.of("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"), names(restart(s)),
                "the same after a restart, nothing created twice");
    }

    @Test
    void aDeliveryToANewUserMakesTheWholeMailbox() throws Exception {
        MaildirStore s = store();
        s.deliver("bob@example.org", "INBOX", text("hi\r\n"), "q1");
        assertEquals(List.of("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"),
                s.folders("bob@example.org").stream().map(FolderInfo::name).toList());
        assertEquals(SpecialUse.SENT, s.folders("bob@example.org").get(4).specialUse());
    }

    @Test
    void subscriptionsPersistAcrossAStoreInstance() throws Exception {
        MaildirStore s = store();
        s.subscribe(ALICE, "Junk", false);
        s.subscribe(ALICE, "Lists/Not yet there", true); // LSUB lists names whether they exist or not
        s.subscribe(ALICE, "Ünïcödé & spaces", true);
        s.subscribe(ALICE, "inbox", false); // INBOX in any case
        s.subscribe(ALICE, "Sent", true); // twice is once
        MaildirStore next = restart(s);
        assertEquals(Set.of("Archive", "Drafts", "Sent", "Trash", "Lists/Not yet there", "Ünïcödé & spaces"),
                Set.copyOf(next.subscriptions(ALICE)));
        assertEquals(next.subscriptions(ALICE).size(), Set.copyOf(next.subscriptions(ALICE)).size(), "no duplicates");
        assertFalse(info(next, "Junk").subscribed());
        assertFalse(info(next, "INBOX").subscribed());
        assertTrue(info(next, "Sent").subscribed());
        assertNull(info(next, "Lists/Not yet there"), "subscribing creates nothing");

        next.subscribe(ALICE, "Junk", true);
        assertTrue(info(restart(next), "Junk").subscribed());
    }

    @Test
    void createFolderWithASpecialUseRefusesASecondFolderWithTheSameUse() throws Exception {
        MaildirStore s = store();
        s.createFolder(ALICE, "Important", SpecialUse.FLAGGED);
        assertEquals(new FolderInfo("Important", SpecialUse.FLAGGED, false), info(s, "Important"));

        StoreException e = assertThrows(StoreException.class, () -> s.createFolder(ALICE, "Sent Items", SpecialUse.SENT));
        assertFalse(e.temporary(), "a client error, not a retry");
        assertNull(info(s, "Sent Items"), "nothing created");
        assertThrows(StoreException.class, () -> s.createFolder(ALICE, "Starred", SpecialUse.FLAGGED));
        assertThrows(StoreException.class, () -> s.createFolder(ALICE, "Important", null), "exists already");
        assertThrows(StoreException.class, () -> s.createFolder(ALICE, "INBOX", null));

        s.deleteFolder(ALICE, "Sent"); // the use is free again
        s.createFolder(ALICE, "Sent Items", SpecialUse.SENT);
        MaildirStore next = restart(s);
        assertEquals(SpecialUse.SENT, info(next, "Sent Items").specialUse(), "kept across a restart");
        assertEquals(SpecialUse.FLAGGED, info(next, "Important").specialUse());
        assertNull(info(next, "Sent"));
    }

    @Test
    void createFolderMakesTheMissingParents() throws Exception {
        MaildirStore s = store();
        s.createFolder(ALICE, "Lists/Java/OSGi", null);
        assertTrue(names(s).containsAll(List.of("Lists", "Lists/Java", "Lists/Java/OSGi")), names(s).toString());
        s.createFolder(ALICE, "Lists/Mail", null); // under an existing parent
        assertTrue(names(s).contains("Lists/Mail"));
        assertEquals(List.of("INBOX", "Archive", "Drafts", "Junk", "Lists", "Lists/Java", "Lists/Java/OSGi",
                "Lists/Mail", "Sent", "Trash"), names(s), "INBOX first, then by name");
    }

    @Test
    void renameKeepsUidvalidityUidsFlagsTheSpecialUseAndSubFolders() throws Exception {
        MaildirStore s = store();
        s.createFolder(ALICE, "Archive/2024", null);
        for (int i = 1; i <= 3; i++) {
            s.deliver(ALICE, "Archive", text("a" + i + "\r\n"), "qa" + i);
            s.deliver(ALICE, "Archive/2024", text("b" + i + "\r\n"), "qb" + i);
        }
        s.expunge(FolderRef.of(ALICE, "Archive"), UidSet.of(2));
        s.changeFlags(FolderRef.of(ALICE, "Archive"), UidSet.of(3), FlagChange.ADD, Set.of(Flag.SEEN), Set.of("$Kept"),
                -1);
        FolderSummary a = s.summary(ALICE, "Archive");
        FolderSummary b = s.summary(ALICE, "Archive/2024");
        List<MessageMeta> metas = s.messages(FolderRef.of(ALICE, "Archive"), ALL);
        events.clear();

        s.renameFolder(ALICE, "Archive", "Storage");
        assertEquals(List.of(new StoreEvent(ALICE, "Archive", StoreEvent.Kind.RENAMED, 0, "Storage")), events);
        assertFalse(names(s).contains("Archive"));
        assertFalse(names(s).contains("Archive/2024"), "sub-folders move with it");
        assertEquals(SpecialUse.ARCHIVE, info(s, "Storage").specialUse(), "the use moves with the folder");
        assertNull(info(s, "Storage/2024").specialUse());
        assertThrows(StoreException.class, () -> s.uids(FolderRef.of(ALICE, "Archive")), "the old name is gone");

        assertRenamed(s, a, b, metas);
        MaildirStore next = restart(s);
        assertRenamed(next, a, b, metas);
        assertEquals(4, next.deliver(ALICE, "Storage", text("a4\r\n"), "qa4"), "UIDs go on from UIDNEXT");
    }

    private static void assertRenamed(MaildirStore now, FolderSummary a, FolderSummary b, List<MessageMeta> metas)
            throws Exception {
        FolderSummary a2 = now.summary(ALICE, "Storage");
        assertEquals(a.uidValidity(), a2.uidValidity());
        assertEquals(a.uidNext(), a2.uidNext());
        assertEquals(a.messages(), a2.messages());
        assertEquals(b.uidValidity(), now.summary(ALICE, "Storage/2024").uidValidity());
        assertEquals(UidSet.of(1, 2, 3), now.uids(FolderRef.of(ALICE, "Storage/2024")));
        // A client holding UIDs with the UIDVALIDITY goes on under the new name.
        FolderRef held = new FolderRef(ALICE, "Storage", a.uidValidity());
        assertEquals(metas, now.messages(held, ALL), "UIDs, flags, keywords and MODSEQs kept");
        assertEquals("a3\r\n", new String(MaildirFolderTest.read(now.content(held, 3))));
    }

    @Test
    void renameRefusesWhatItCannotDo() throws Exception {
        MaildirStore s = store();
        s.createFolder(ALICE, "A", null);
        s.createFolder(ALICE, "B", null);
        assertThrows(StoreException.class, () -> s.renameFolder(ALICE, "A", "B"), "target exists");
        assertThrows(StoreException.class, () -> s.renameFolder(ALICE, "A", "A/Inner"), "under itself");
        assertThrows(StoreException.class, () -> s.renameFolder(ALICE, "Missing", "C"));
        assertThrows(StoreException.class, () -> s.renameFolder(ALICE, "INBOX", "Old"));
        assertThrows(StoreException.class, () -> s.renameFolder(ALICE, "A", "inbox"));
        assertTrue(names(s).containsAll(List.of("A", "B")));
        assertFalse(names(s).contains("C"));
    }

    @Test
    void deleteFolderRemovesItsMessagesItsUseAndNotItsSubFolders() throws Exception {
        MaildirStore s = store();
        s.createFolder(ALICE, "Junk/Old", null);
        s.deliver(ALICE, "Junk", text("spam\r\n"), "q1");
        s.deliver(ALICE, "Junk/Old", text("old spam\r\n"), "q2");
        Path junk = FolderNames.folderDir(s.userDir(ALICE), "Junk");
        events.clear();

        s.deleteFolder(ALICE, "Junk");
        assertEquals(List.of(new StoreEvent(ALICE, "Junk", StoreEvent.Kind.DELETED, 0, null)), events);
        assertFalse(Files.exists(junk), "its directory and messages are gone");
        assertNull(info(s, "Junk"));
        assertEquals(UidSet.of(1), s.uids(FolderRef.of(ALICE, "Junk/Old")), "a sub-folder is a folder of its own");
        assertThrows(StoreException.class, () -> s.uids(FolderRef.of(ALICE, "Junk")));
        assertThrows(StoreException.class, () -> s.deleteFolder(ALICE, "Junk"), "no folder");
        StoreException inbox = assertThrows(StoreException.class, () -> s.deleteFolder(ALICE, "INBOX"));
        assertFalse(inbox.temporary());

        MaildirStore next = restart(s);
        assertNull(info(next, "Junk"));
        next.createFolder(ALICE, "Junk", null);
        assertNull(info(next, "Junk").specialUse(), "the use left with the deleted folder");
        assertTrue(next.uids(FolderRef.of(ALICE, "Junk")).isEmpty(), "a new, empty folder");
        next.createFolder(ALICE, "Spam", SpecialUse.JUNK);
    }

    @Test
    void aFolderCreatedAgainUnderADeletedNameGetsANewUidvalidity() throws Exception {
        // RFC 3501 2.3.1.1: a new mailbox under an old name needs a new UIDVALIDITY, or a client
        // holding the old UIDs takes the new messages for the old ones.
        MaildirStore s = store();
        s.createFolder(ALICE, "Work", null);
        s.deliver(ALICE, "Work", text("old\r\n"), "q1");
        long old = s.summary(ALICE, "Work").uidValidity();
        s.deleteFolder(ALICE, "Work");
        s.createFolder(ALICE, "Work", null);
        s.deliver(ALICE, "Work", text("new\r\n"), "q2");
        long second = s.summary(ALICE, "Work").uidValidity();
        assertNotEquals(old, second);
        assertThrows(org.postrider.api.store.UidValidityChangedException.class,
                () -> s.content(new FolderRef(ALICE, "Work", old), 1));

        s.deleteFolder(ALICE, "Work"); // and once more across a restart
        MaildirStore next = restart(s);
        next.createFolder(ALICE, "Work", null);
        long third = next.summary(ALICE, "Work").uidValidity();
        assertNotEquals(old, third);
        assertNotEquals(second, third);
    }

    @Test
    void aFolderCreatedUnderTheNameOfOneRenamedAwayGetsANewUidvalidity() throws Exception {
        MaildirStore s = store();
        s.createFolder(ALICE, "Work", null);
        s.deliver(ALICE, "Work", text("old\r\n"), "q1");
        long old = s.summary(ALICE, "Work").uidValidity();
        s.renameFolder(ALICE, "Work", "Work 2025");
        s.createFolder(ALICE, "Work", null);
        s.deliver(ALICE, "Work", text("new\r\n"), "q2");
        assertNotEquals(old, s.summary(ALICE, "Work").uidValidity());
    }

    /** A floor far ahead of the clock, as a folder retired with it leaves it: every folder made now starts there. */
    private void floorAhead(MaildirStore s) throws Exception {
        s.folders(ALICE);
        long floor = java.time.Instant.now().getEpochSecond() + 100_000;
        Files.writeString(s.userDir(ALICE).resolve(FolderTree.VALIDITY_FLOOR), floor + "\n");
    }

    private static long floor(MaildirStore s) throws Exception {
        return Long.parseLong(Files.readString(s.userDir(ALICE).resolve(FolderTree.VALIDITY_FLOOR)).trim());
    }

    @Test
    void foldersOfOneUserNeverShareAUidvalidityEvenMadeInOneSecond() throws Exception {
        MaildirStore s = store();
        floorAhead(s);
        long floor = floor(s);
        List<String> names = new ArrayList<>(List.of("INBOX", "Sent", "Trash"));
        for (int i = 0; i < 5; i++) {
            s.createFolder(ALICE, "F" + i, null);
            names.add("F" + i);
        }
        List<Long> seen = new ArrayList<>();
        for (String n : names) {
            seen.add(s.summary(ALICE, n).uidValidity());
        }
        for (int i = 0; i < seen.size(); i++) {
            assertTrue(seen.get(i) > (i == 0 ? floor : seen.get(i - 1)), "above the floor and every earlier one: "
                    + seen);
        }
        // Folders opened at once by several threads, and a restart: still one each.
        MaildirStore next = restart(s);
        List<String> more = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            next.createFolder(ALICE, "G" + i, null);
            more.add("G" + i);
        }
        java.util.Set<Long> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
        all.addAll(seen);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (String n : more) {
            Thread t = new Thread(() -> {
                try {
                    all.add(next.summary(ALICE, n).uidValidity());
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), failures);
        assertEquals(seen.size() + more.size(), all.size(), "no UIDVALIDITY twice: " + all);
        assertTrue(floor(next) >= java.util.Collections.max(all),
                "the floor covers every one handed out");
    }

    @Test
    void anUndoByNameAfterARenameSwapCannotReachTheOtherFolder() throws Exception {
        // IMAP's MULTIAPPEND and COPY into the selected mailbox take back what they added by
        // name and UIDVALIDITY; a RENAME swap in between must not aim that at the other folder.
        MaildirStore s = store();
        floorAhead(s); // both made within the floor's second, as a fast client makes them
        s.createFolder(ALICE, "A", null);
        s.createFolder(ALICE, "B", null);
        s.deliver(ALICE, "A", text("Subject: a\r\n\r\na\r\n"), "qa");
        s.deliver(ALICE, "B", text("Subject: b\r\n\r\nb\r\n"), "qb");
        long a = s.summary(ALICE, "A").uidValidity();
        s.summary(ALICE, "B");
        s.renameFolder(ALICE, "A", "X");
        s.renameFolder(ALICE, "B", "A");
        FolderRef undo = new FolderRef(ALICE, "A", a);
        assertThrows(org.postrider.api.store.UidValidityChangedException.class, () -> s.expunge(undo, UidSet.of(1)));
        assertEquals(UidSet.of(1), s.uids(FolderRef.of(ALICE, "A")), "the message of B, now A, is untouched");
        assertEquals(UidSet.of(1), s.uids(FolderRef.of(ALICE, "X")));
    }

    @Test
    void aFolderIsFoundByItsUidvalidityWhateverItIsCalledNow() throws Exception {
        // What IMAP's undo of a MULTIAPPEND (or a COPY into the selected mailbox) needs when
        // another session renamed the folder between the messages and the undo.
        MaildirStore s = store();
        s.createFolder(ALICE, "A", null);
        s.createFolder(ALICE, "B", null);
        long a = s.append(FolderRef.of(ALICE, "A"), text("Subject: 1\r\n\r\n1\r\n"), Set.of(), Set.of(),
                java.time.Instant.now()).uidValidity();
        long b = s.summary(ALICE, "B").uidValidity();
        assertEquals("A", s.folderOf(ALICE, a));
        assertEquals("INBOX", s.folderOf(ALICE, s.summary(ALICE, "INBOX").uidValidity()));
        s.renameFolder(ALICE, "A", "X");
        s.renameFolder(ALICE, "B", "A");
        assertEquals("X", s.folderOf(ALICE, a), "the folder, under its new name");
        assertEquals("A", s.folderOf(ALICE, b));
        assertEquals(UidSet.of(1), s.expunge(new FolderRef(ALICE, s.folderOf(ALICE, a), a), UidSet.of(1)));
        assertTrue(s.uids(FolderRef.of(ALICE, "X")).isEmpty());

        MaildirStore next = restart(s);
        assertEquals("X", next.folderOf(ALICE, a), "across a restart");
        next.renameFolder(ALICE, "X", "Lists/Y");
        assertEquals("Lists/Y", next.folderOf(ALICE, a), "a sub-folder too");
        // Records a kill left behind (none, or one naming the old directory): found by the folders' files.
        Path owners = next.userDir(ALICE).resolve(UidValidities.OWNERS);
        Files.delete(owners.resolve(Long.toString(a)));
        assertEquals("Lists/Y", next.folderOf(ALICE, a));
        Files.writeString(owners.resolve(Long.toString(b)), ".B");
        assertEquals("A", next.folderOf(ALICE, b));
        next.deleteFolder(ALICE, "Lists/Y");
        assertNull(next.folderOf(ALICE, a), "deleted: none");
        assertNull(next.folderOf(ALICE, 12345), "never issued: none");
    }

    @Test
    void folderChangesAreToldToListeners() throws Exception {
        MaildirStore s = store();
        s.folders(ALICE);
        events.clear();
        s.createFolder(ALICE, "Projects", null);
        s.renameFolder(ALICE, "Projects", "Done");
        s.deleteFolder(ALICE, "Done");
        assertEquals(List.of(
                new StoreEvent(ALICE, "Projects", StoreEvent.Kind.CREATED, 0, null),
                new StoreEvent(ALICE, "Projects", StoreEvent.Kind.RENAMED, 0, "Done"),
                new StoreEvent(ALICE, "Done", StoreEvent.Kind.DELETED, 0, null)), events);
        assertThrows(StoreException.class, () -> s.deleteFolder(ALICE, "Done"));
        assertEquals(3, events.size(), "a refused change tells nothing");
    }

    @Test
    void aFolderUnderInboxLeavesInboxAMaildirOfItsOwn() throws Exception {
        // Maildir++: "maildirfolder" marks a sub-folder; in the user's Maildir (INBOX) it would
        // tell other tools (Courier's quota, maildrop) that INBOX is a folder of some other Maildir.
        MaildirStore s = store();
        s.createFolder(ALICE, "INBOX/Receipts", null);
        s.deliver(ALICE, "inbox/Travel", text("m\r\n"), "q1");
        Path inbox = s.userDir(ALICE);
        assertFalse(Files.exists(inbox.resolve("maildirfolder")), "INBOX marked as a sub-folder");
        assertTrue(Files.exists(FolderNames.folderDir(inbox, "INBOX/Receipts").resolve("maildirfolder")));
        assertTrue(names(s).containsAll(List.of("INBOX/Receipts", "INBOX/Travel")), names(s).toString());
        assertEquals(1, s.uids(FolderRef.of(ALICE, "INBOX/Travel")).size());
    }

    @Test
    void aFolderCreatedByADeliveryIsToldToListeners() throws Exception {
        MaildirStore s = store();
        s.folders(ALICE);
        events.clear();
        s.deliver(ALICE, "Lists/Postrider", text("m\r\n"), "q1"); // e.g. a filter's fileinto :create
        assertEquals(new StoreEvent(ALICE, "Lists/Postrider", StoreEvent.Kind.CREATED, 0, null), events.get(0),
                "an IMAP NOTIFY client learns of the folder: " + events);
        assertEquals(List.of(StoreEvent.Kind.CREATED, StoreEvent.Kind.CHANGED),
                events.stream().map(StoreEvent::kind).toList());
        events.clear();
        s.deliver(ALICE, "Lists/Postrider", text("m2\r\n"), "q2");
        assertEquals(List.of(StoreEvent.Kind.CHANGED), events.stream().map(StoreEvent::kind).toList(), "once");
    }

    @Test
    void renameCreatesTheMissingParentsOfTheNewName() throws Exception {
        // RFC 3501 6.3.5: the server SHOULD create the superior names a RENAME needs, as CREATE does.
        MaildirStore s = store();
        s.createFolder(ALICE, "Work", null);
        s.deliver(ALICE, "Work", text("m\r\n"), "q1");
        s.renameFolder(ALICE, "Work", "Old/2025/Work");
        assertTrue(names(s).containsAll(List.of("Old", "Old/2025", "Old/2025/Work")), names(s).toString());
        assertEquals(1, s.uids(FolderRef.of(ALICE, "Old/2025/Work")).size());
        assertTrue(s.uids(FolderRef.of(ALICE, "Old")).isEmpty());
    }
}
