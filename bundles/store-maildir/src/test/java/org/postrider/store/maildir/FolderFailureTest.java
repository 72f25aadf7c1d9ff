package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * A disk that fails part way through a change (copy, move, flag change, expunge, append,
 * delivery): the call fails, and from the next call on, even one that does not look at the
 * Maildir again (messages, as FETCH uses it), the store says exactly what a store opened anew
 * on the Maildir as the failure left it says; no message is lost or doubled, no UID is used
 * twice, HIGHESTMODSEQ does not go back, and the folders take further changes.
 */
class FolderFailureTest {
    private static final String USER = "alice@example.org";
    private static final List<String> FOLDERS = List.of("INBOX", "Archive");

    @TempDir
    Path root;
    @TempDir
    Path snapshot;

    @AfterEach
    void noHook() {
        MaildirFolder.step = MaildirFolder.Step.NONE;
        MaildirFolder.transferBatch = 1000;
    }

    /** A disk that fails the {@code occurrence}-th time the change reaches {@code step}. */
    static MaildirFolder.Step failAt(String step, int occurrence) {
        Map<String, Integer> seen = new HashMap<>();
        return s -> {
            if (seen.merge(s, 1, Integer::sum) == occurrence && s.equals(step)) {
                throw new IOException("injected failure at " + step);
            }
        };
    }

    /** What a session sees of a folder: FETCH first (no new look at the Maildir), then the rest. */
    record View(List<MessageMeta> messages, UidSet uids, FolderSummary summary, Changes changes,
            Map<Long, String> texts) {
    }

    static View view(MaildirStore store, String folder) throws Exception {
        FolderRef ref = FolderRef.of(USER, folder);
        List<MessageMeta> messages = store.messages(ref, UidSet.range(1, IndexLog.MAX_UID - 1));
        UidSet uids = store.uids(ref);
        FolderSummary summary = store.summary(USER, folder);
        Changes changes = store.changesSince(ref, 0);
        Map<Long, String> texts = new TreeMap<>();
        for (long uid : uids) {
            MessageContent c = store.content(ref, uid);
            try (InputStream in = c.open()) {
                texts.put(uid, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return new View(messages, uids, summary, changes, texts);
    }

    /** Copies the Maildirs as they are, with the mtimes of new/ and cur/ (the index compares them). */
    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                    dirs.add(p);
                } else {
                    Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        for (Path d : dirs) {
            Files.setLastModifiedTime(to.resolve(from.relativize(d).toString()), Files.getLastModifiedTime(d));
        }
    }

    private static String message(int i) {
        return "Subject: m" + i + "\r\n\r\nbody " + i + "\r\n";
    }

    @ParameterizedTest(name = "{0} failing at {1} #{2}")
    @CsvSource({"move,target-records,1", "move,file,1", "move,file,2", "move,files-moved,1",
        "copy,target-records,1", "copy,file,2", "copy,files-moved,1",
        "flags,flag-file,1", "flags,flag-file,2", "flags,flag-records,1",
        "expunge,expunge-file,2",
        "append,add-record,1", "append,add-file,1", "deliver,add-file,1"})
    void aChangeThatFailsPartWayLeavesTheStoreSayingWhatIsOnDisk(String change, String step, int occurrence)
            throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            store.deliver(USER, "INBOX", MaildirFolderTest.text(message(i)), "q" + i);
            sent.add(message(i));
        }
        store.deliver(USER, "Archive", MaildirFolderTest.text(message(3)), "q3");
        sent.add(message(3));
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        store.changeFlags(inbox, UidSet.of(2), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        Map<String, View> before = new HashMap<>();
        for (String f : FOLDERS) {
            before.put(f, view(store, f));
        }
        store.usage(USER); // kept from now on as the folders change

        MaildirFolder.step = failAt(step, occurrence);
        StoreException e = assertThrows(StoreException.class, () -> {
            switch (change) {
                case "move" -> store.move(inbox, UidSet.range(1, 3), "Archive");
                case "copy" -> store.copy(inbox, UidSet.range(1, 3), "Archive");
                case "flags" -> store.changeFlags(inbox, UidSet.range(1, 3), FlagChange.ADD,
                        Set.of(Flag.FLAGGED), Set.of("$Important"), -1);
                case "expunge" -> store.expunge(inbox, UidSet.range(1, 3));
                case "append" -> store.append(inbox, MaildirFolderTest.text(message(4)), Set.of(Flag.SEEN),
                        Set.of(), Instant.now());
                case "deliver" -> store.deliver(USER, "INBOX", MaildirFolderTest.text(message(4)), "q4");
                default -> throw new AssertionError(change);
            }
        });
        assertTrue(e.temporary(), "a failing disk is a temporary failure");
        MaildirFolder.step = MaildirFolder.Step.NONE;
        copyTree(root, snapshot); // the Maildir as the failure left it

        Map<String, View> after = new HashMap<>();
        for (String f : FOLDERS) {
            after.put(f, view(store, f));
        }
        long[] usage = store.usage(USER);
        MaildirStore fresh = new MaildirStore(snapshot, "athena", 1000);
        try {
            for (String f : FOLDERS) {
                assertEquals(view(fresh, f), after.get(f), f + ": the store says what a store opened anew says");
            }
            assertArrayEquals(fresh.usage(USER), usage, "the usage the quota is checked against");
        } finally {
            fresh.deactivate();
        }

        List<String> all = new ArrayList<>();
        for (String f : FOLDERS) {
            View b = before.get(f);
            View a = after.get(f);
            all.addAll(a.texts().values());
            assertTrue(a.summary().highestModSeq() >= b.summary().highestModSeq(), f + ": HIGHESTMODSEQ went back");
            assertTrue(a.summary().uidNext() >= b.summary().uidNext(), f + ": UIDNEXT went back");
            for (Map.Entry<Long, String> m : a.texts().entrySet()) { // a UID names the message it named, or a new one
                String was = b.texts().get(m.getKey());
                assertTrue(was == null ? m.getKey() >= b.summary().uidNext() : was.equals(m.getValue()),
                        f + ": UID " + m.getKey() + " used twice");
            }
        }
        all.sort(null);
        switch (change) {
            case "move", "flags" -> assertEquals(sent, all, "every message in exactly one folder");
            case "copy" -> {
                assertTrue(all.containsAll(sent) && sent.containsAll(all), "copies are whole or absent");
                assertEquals(sent.subList(0, 3), new ArrayList<>(after.get("INBOX").texts().values()),
                        "a copy leaves the source whole");
            }
            case "expunge" -> assertTrue(sent.containsAll(all) && all.contains(message(3)), "nothing but the"
                    + " expunged is gone");
            default -> { // append, deliver: the new message whole or absent, nothing else changed
                all.remove(message(4));
                assertEquals(sent, all);
            }
        }

        // The folders take further changes, with UIDs never used before.
        for (String f : FOLDERS) {
            long uid = store.deliver(USER, f, MaildirFolderTest.text("Subject: later\r\n\r\n" + f + "\r\n"),
                    "later-" + f);
            assertTrue(uid >= after.get(f).summary().uidNext(), f + ": a later delivery reuses UID " + uid);
        }
        store.changeFlags(inbox, store.uids(inbox), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        store.move(inbox, store.uids(inbox), "Archive");
        assertTrue(store.uids(inbox).isEmpty());
        for (MessageMeta m : store.messages(FolderRef.of(USER, "Archive"), store.uids(FolderRef.of(USER, "Archive")))) {
            assertFalse(store.content(FolderRef.of(USER, "Archive"), m.uid()) == null);
        }
        store.deactivate();
    }

    @Test
    void aCompactionThatFailsAfterADurableAppendDoesNotFailTheAppend() throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        store.deliver(USER, "INBOX", MaildirFolderTest.text(message(0)), "q0");
        store.deactivate();
        // A log long enough to be compacted at the next change, still in sync with the Maildir.
        Path log = store.userDir(USER).resolve(IndexLog.FILE);
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        String last = lines.remove(lines.size() - 1);
        assertTrue(last.startsWith("S "), "a folder closed in sync ends its log with an S record");
        for (int i = 0; i < 1100; i++) {
            lines.add("R 1");
        }
        lines.add(last);
        Files.write(log, lines);

        MaildirStore again = new MaildirStore(root, "athena", 1000);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        MaildirFolder.step = failAt("compact", 1);
        long uid = again.append(inbox, MaildirFolderTest.text(message(1)), Set.of(), Set.of(), Instant.now()).uid();
        MaildirFolder.step = MaildirFolder.Step.NONE;
        copyTree(root, snapshot);
        View after = view(again, "INBOX");
        assertEquals(List.of(message(0), message(1)), after.texts().values().stream().sorted().toList(),
                "the message is in, once: a client told it failed would append it again");
        assertEquals(message(1), after.texts().get(uid));
        MaildirStore fresh = new MaildirStore(snapshot, "athena", 1000);
        try {
            assertEquals(view(fresh, "INBOX"), after);
        } finally {
            fresh.deactivate();
        }
        again.deactivate();
    }

    @Test
    void aFolderClosedAfterAFailedChangeIsListedAtItsNextLoadEvenIfTheClockDidNotMove() throws Exception {
        // new/ and cur/ mtimes move in clock ticks: a change within the tick of the last sync
        // point leaves them as the S record has them; a failed change must not hide behind that.
        Path dir = root.resolve("folder");
        FolderView f = FolderView.open(dir, MaildirFolder.FolderEvents.NONE);
        f.deliver(MaildirFolderTest.text(message(0)), "k0");
        f.folder.close(); // ends the log with an S record
        java.nio.file.attribute.FileTime newTime = Files.getLastModifiedTime(dir.resolve("new"));
        java.nio.file.attribute.FileTime curTime = Files.getLastModifiedTime(dir.resolve("cur"));

        FolderView g = FolderView.open(dir, MaildirFolder.FolderEvents.NONE);
        MaildirFolder.step = failAt("flag-records", 1); // the file is renamed, its record not written
        assertThrows(StoreException.class, () -> g.changeFlags(List.of(1L), FlagChange.ADD, Set.of(Flag.SEEN),
                Set.of()));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        g.folder.close(); // evicted before its next call
        Files.setLastModifiedTime(dir.resolve("new"), newTime); // the same tick
        Files.setLastModifiedTime(dir.resolve("cur"), curTime);

        FolderView h = FolderView.open(dir, MaildirFolder.FolderEvents.NONE);
        assertEquals(Set.of(Flag.SEEN), h.messages().get(0).flags(), "the flags the file has");
        assertEquals(message(0), h.text(1), "the file where it is");
    }

    @Test
    void aMoveGoesInBatchesAndOneFailingLeavesTheEarlierOnesMoved() throws Exception {
        // What a MOVE 1:* holds in memory is one batch's, not the folder's.
        MaildirFolder.transferBatch = 2;
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            store.deliver(USER, "INBOX", MaildirFolderTest.text(message(i)), "q" + i);
            sent.add(message(i));
        }
        org.postrider.api.store.UidMap map = store.move(inbox, UidSet.of(1, 2, 3, 4, 5), "Archive");
        assertEquals(UidSet.range(1, 5), map.source());
        assertEquals(UidSet.range(1, 5), map.target(), "UIDs in order across the batches");
        assertEquals(sent.subList(0, 5), new ArrayList<>(view(store, "Archive").texts().values()));

        MaildirFolder.step = failAt("target-records", 2); // the second batch's records cannot be written
        assertThrows(StoreException.class, () -> store.move(inbox, UidSet.range(6, 10), "Archive"));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        copyTree(root, snapshot);
        View in = view(store, "INBOX");
        View archived = view(store, "Archive");
        assertEquals(sent.subList(7, 10), new ArrayList<>(in.texts().values()), "the later batches stay");
        assertEquals(sent.subList(0, 7), new ArrayList<>(archived.texts().values()), "the first batch moved");
        MaildirStore fresh = new MaildirStore(snapshot, "athena", 1000);
        try {
            assertEquals(view(fresh, "INBOX"), in);
            assertEquals(view(fresh, "Archive"), archived);
        } finally {
            fresh.deactivate();
        }
        store.deactivate();
    }

    @Test
    void aCopyFailingInALaterBatchLeavesTheTargetAsItWas() throws Exception {
        MaildirFolder.transferBatch = 2;
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            store.deliver(USER, "INBOX", MaildirFolderTest.text(message(i)), "q" + i);
            sent.add(message(i));
        }
        store.copy(inbox, UidSet.of(1), "Archive");
        MaildirFolder.step = failAt("file", 3); // the second batch's first file cannot be linked
        assertThrows(StoreException.class, () -> store.copy(inbox, UidSet.range(1, 6), "Archive"));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        assertEquals(List.of(message(0)), new ArrayList<>(view(store, "Archive").texts().values()),
                "a failed COPY adds nothing (RFC 9051 6.4.7): a client that retries makes no duplicates");
        assertEquals(sent, new ArrayList<>(view(store, "INBOX").texts().values()), "the source is whole");
        org.postrider.api.store.UidMap again = store.copy(inbox, UidSet.range(1, 6), "Archive");
        assertEquals(6, again.target().size());
        assertTrue(again.target().first() > 1, "UIDs of the undone copies are not used again");
        store.deactivate();
    }

    @Test
    void aFailedCopyTakesBackItsCopiesBeforeItLetsGoOfTheFolders() throws Exception {
        // The undo is inside the transfer, under both folders' locks: once the call returns, a
        // RENAME may swap the target's name with another folder's, and nothing is left to undo
        // by name. Called on the folders directly, so no caller could undo anything afterwards.
        MaildirFolder.transferBatch = 2;
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            store.deliver(USER, "INBOX", MaildirFolderTest.text(message(i)), "q" + i);
            sent.add(message(i));
        }
        long nextBefore = store.summary(USER, "Archive").uidNext();
        MaildirFolder src = store.folder(USER, "INBOX").folder();
        MaildirFolder dst = store.folder(USER, "Archive").folder();
        MaildirFolder.step = failAt("file", 3); // the second batch's first file cannot be linked
        StoreException e = assertThrows(StoreException.class,
                () -> MaildirFolder.transfer(src, 0, UidSet.range(1, 6), dst, false));
        assertTrue(e.temporary());
        MaildirFolder.step = MaildirFolder.Step.NONE;
        copyTree(root, snapshot); // as the call left the disk, before anything else runs

        MaildirStore fresh = new MaildirStore(snapshot, "athena", 1000);
        try {
            assertEquals(Map.of(), view(fresh, "Archive").texts(), "the copies are gone from the disk already");
            assertTrue(fresh.summary(USER, "Archive").uidNext() >= nextBefore + 3, "their UIDs are not used again");
        } finally {
            fresh.deactivate();
        }
        assertEquals(Map.of(), view(store, "Archive").texts());
        assertEquals(sent, new ArrayList<>(view(store, "INBOX").texts().values()), "the source is whole");
        List<String> archive = Files.readAllLines(store.userDir(USER).resolve(".Archive").resolve(IndexLog.FILE));
        for (long uid = nextBefore; uid < nextBefore + 3; uid++) {
            String x = "X " + uid + " ";
            assertTrue(archive.stream().anyMatch(l -> l.startsWith(x)), "the record of copy " + uid
                    + " is taken back by an expunge record: " + archive);
        }
        long later = store.copy(inbox, UidSet.of(1), "Archive").target().first();
        assertTrue(later >= nextBefore + 3, "a later copy gets a new UID: " + later);
        store.deactivate();
    }

    @Test
    void aCopyWhoseUndoFailsTooLeavesTheStoreSayingWhatIsOnDisk() throws Exception {
        MaildirFolder.transferBatch = 2;
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        for (int i = 0; i < 4; i++) {
            store.deliver(USER, "INBOX", MaildirFolderTest.text(message(i)), "q" + i);
        }
        MaildirFolder.Step file = failAt("file", 3);
        MaildirFolder.Step undo = failAt("undo-records", 1);
        MaildirFolder.step = s -> {
            file.at(s);
            undo.at(s);
        };
        assertThrows(StoreException.class, () -> store.copy(inbox, UidSet.range(1, 4), "Archive"));
        MaildirFolder.step = MaildirFolder.Step.NONE;
        copyTree(root, snapshot);
        View archive = view(store, "Archive");
        assertEquals(Map.of(), archive.texts(), "the files went before the records could be taken back");
        MaildirStore fresh = new MaildirStore(snapshot, "athena", 1000);
        try {
            assertEquals(view(fresh, "Archive"), archive);
        } finally {
            fresh.deactivate();
        }
        store.deactivate();
    }

    @ParameterizedTest(name = "{0} failing at {1}")
    @CsvSource({"append,add-file", "append,add-moved", "deliver,add-file", "deliver,add-moved"})
    void anAddRefusedAfterItsRecordIsDurableIsTakenBackAtOnce(String change, String step) throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        store.deliver(USER, "INBOX", MaildirFolderTest.text(message(0)), "q0");
        View before = view(store, "INBOX");
        long uid = before.summary().uidNext();

        MaildirFolder.step = failAt(step, 1);
        StoreException e = assertThrows(StoreException.class, () -> {
            if (change.equals("append")) {
                store.append(inbox, MaildirFolderTest.text(message(1)), Set.of(), Set.of(), Instant.now());
            } else {
                store.deliver(USER, "INBOX", MaildirFolderTest.text(message(1)), "q1");
            }
        });
        assertTrue(e.temporary());
        MaildirFolder.step = MaildirFolder.Step.NONE;
        copyTree(root, snapshot); // as the refused call left the disk

        Path dir = FolderNames.userDir(snapshot, USER);
        List<String> log = Files.readAllLines(dir.resolve(IndexLog.FILE));
        int a = indexOfRecord(log, "A " + uid + " ");
        int x = indexOfRecord(log, "X " + uid + " ");
        assertTrue(a >= 0 && x > a, "the durable record of UID " + uid + " is taken back by an expunge record: " + log);
        try (Stream<Path> files = Stream.concat(Files.list(dir.resolve("new")), Files.list(dir.resolve("cur")))) {
            assertEquals(1, files.count(), "no file of the refused message: a client told NO sends it again");
        }
        MaildirStore fresh = new MaildirStore(snapshot, "athena", 1000);
        try {
            View v = view(fresh, "INBOX");
            assertEquals(before.texts(), v.texts());
            assertTrue(v.summary().uidNext() > uid, "UID " + uid + " is not used again");
        } finally {
            fresh.deactivate();
        }
        assertEquals(before.texts(), view(store, "INBOX").texts());
        long again = store.append(inbox, MaildirFolderTest.text(message(1)), Set.of(), Set.of(), Instant.now()).uid();
        assertTrue(again > uid, "the retry gets a new UID: " + again);
        store.deactivate();
    }

    private static int indexOfRecord(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
