package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postrider.store.maildir.MaildirFolderTest.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FlagResult;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.UidMap;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;

/** Messages through the MailStore methods: change hints, summaries, recent claims, UIDVALIDITY checks, ranges. */
class MaildirStoreMessagesTest {
    static final String ALICE = "alice@example.org";
    static final FolderRef INBOX = FolderRef.of(ALICE, "INBOX");
    static final UidSet ALL = UidSet.range(1, 100_000);

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

    MaildirStore restart(MaildirStore s) throws Exception {
        s.deactivate();
        return store();
    }

    @AfterEach
    void close() {
        stores.forEach(MaildirStore::deactivate);
    }

    private static List<Long> uidsOf(List<MessageMeta> metas) {
        return metas.stream().map(MessageMeta::uid).toList();
    }

    /** The one event since the last clear: a CHANGED hint for the folder with its HIGHESTMODSEQ now. */
    private void assertOneHint(MaildirStore s, String folder) throws Exception {
        assertEquals(List.of(new StoreEvent(ALICE, folder, StoreEvent.Kind.CHANGED,
                s.summary(ALICE, folder).highestModSeq(), null)), events);
        events.clear();
    }

    @Test
    void listenersGetAChangedHintWithTheHighestModSeqAfterEachChange() throws Exception {
        MaildirStore s = store();
        s.summary(ALICE, "INBOX");
        events.clear();

        long m0 = s.summary(ALICE, "INBOX").highestModSeq();
        long uid = s.deliver(ALICE, "INBOX", text("one\r\n"), "q1");
        assertOneHint(s, "INBOX");
        Changes c = s.changesSince(INBOX, m0);
        assertEquals(List.of(uid), uidsOf(c.changed()), "what the hint was about: the delivery");

        long m1 = s.summary(ALICE, "INBOX").highestModSeq();
        s.changeFlags(INBOX, UidSet.of(uid), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        assertOneHint(s, "INBOX");
        c = s.changesSince(INBOX, m1);
        assertEquals(Set.of(Flag.SEEN), c.changed().get(0).flags());

        s.changeFlags(INBOX, UidSet.of(uid), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        assertEquals(List.of(), events, "no hint when nothing changed");

        long uid2 = s.append(INBOX, text("two\r\n"), Set.of(), Set.of(), Instant.now()).uid();
        assertOneHint(s, "INBOX");

        long m2 = s.summary(ALICE, "INBOX").highestModSeq();
        s.expunge(INBOX, UidSet.of(uid));
        assertOneHint(s, "INBOX");
        c = s.changesSince(INBOX, m2);
        assertEquals(UidSet.of(uid), c.vanished(), "what the hint was about: the expunge");
        assertTrue(c.exact());
        assertEquals(List.of(), c.changed());

        s.expunge(INBOX, UidSet.of(uid));
        assertEquals(List.of(), events, "expunging what is gone changes nothing");

        long t0 = s.summary(ALICE, "Trash").highestModSeq();
        s.move(INBOX, UidSet.of(uid2), "Trash");
        assertEquals(Set.of(
                new StoreEvent(ALICE, "INBOX", StoreEvent.Kind.CHANGED, s.summary(ALICE, "INBOX").highestModSeq(), null),
                new StoreEvent(ALICE, "Trash", StoreEvent.Kind.CHANGED, s.summary(ALICE, "Trash").highestModSeq(), null)),
                Set.copyOf(events), "a move changes both folders");
        assertEquals(2, events.size());
        assertEquals(1, s.changesSince(FolderRef.of(ALICE, "Trash"), t0).changed().size());
    }

    @Test
    void aFailingListenerDoesNotFailTheCallNorSilenceTheOthers() throws Exception {
        MaildirStore s = store();
        s.addListener(e -> {
            throw new IllegalStateException("a broken IDLE session");
        });
        List<StoreEvent> second = new CopyOnWriteArrayList<>();
        s.addListener(second::add);
        assertEquals(1, s.deliver(ALICE, "INBOX", text("m\r\n"), "q1"));
        assertEquals(1, second.stream().filter(e -> e.kind() == StoreEvent.Kind.CHANGED).count());
        assertEquals(1, s.uids(INBOX).size());
    }

    @Test
    void aRefWithAStaleUidvalidityIsRefusedByEveryCallThatTakesUids() throws Exception {
        MaildirStore s = store();
        s.deliver(ALICE, "INBOX", text("m\r\n"), "q1");
        long validity = s.summary(ALICE, "INBOX").uidValidity();
        FolderRef stale = new FolderRef(ALICE, "INBOX", validity - 1);
        byte[] index = java.nio.file.Files.readAllBytes(FolderNames.userDir(root, ALICE).resolve(IndexLog.FILE));
        List<Executable> calls = List.of(
                () -> s.uids(stale),
                () -> s.messages(stale, ALL),
                () -> s.changesSince(stale, 0),
                () -> s.claimRecent(stale),
                () -> s.content(stale, 1),
                () -> s.append(stale, text("x\r\n"), Set.of(), Set.of(), Instant.now()),
                () -> s.changeFlags(stale, UidSet.of(1), FlagChange.ADD, Set.of(Flag.DELETED), Set.of(), -1),
                () -> s.copy(stale, UidSet.of(1), "Archive"),
                () -> s.move(stale, UidSet.of(1), "Archive"),
                () -> s.expunge(stale, UidSet.of(1)));
        for (Executable call : calls) {
            UidValidityChangedException e = assertThrows(UidValidityChangedException.class, call);
            assertFalse(e.temporary(), "the client resynchronises, it does not retry");
        }
        assertArrayEquals(index, java.nio.file.Files.readAllBytes(FolderNames.userDir(root, ALICE)
                .resolve(IndexLog.FILE)), "none of them changed anything");
        assertEquals(Set.of(), s.messages(new FolderRef(ALICE, "INBOX", validity), ALL).get(0).flags());
        assertEquals(0, s.summary(ALICE, "Archive").messages());
        assertEquals(1, s.uids(FolderRef.of(ALICE, "INBOX")).size(), "0: no check");
    }

    @Test
    void theSummaryCountsFollowDeliveriesFlagChangesAndExpunges() throws Exception {
        MaildirStore s = store();
        FolderSummary empty = s.summary(ALICE, "INBOX");
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), counts(empty));
        assertEquals(1, empty.uidNext());

        String[] bodies = {"a\r\n", "bb\r\n", "ccc\r\n", "dddd\r\n"};
        for (int i = 0; i < bodies.length; i++) {
            s.deliver(ALICE, "INBOX", text(bodies[i]), "q" + i);
        }
        // messages, unseen, recent, firstUnseenUid, bytes
        assertEquals(List.of(4L, 4L, 4L, 1L, 3L + 4 + 5 + 6), counts(s.summary(ALICE, "INBOX")));
        assertEquals(5, s.summary(ALICE, "INBOX").uidNext());

        s.changeFlags(INBOX, UidSet.of(1, 3), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        assertEquals(List.of(4L, 2L, 4L, 2L, 18L), counts(s.summary(ALICE, "INBOX")));
        s.changeFlags(INBOX, UidSet.of(2), FlagChange.REPLACE, Set.of(Flag.SEEN, Flag.ANSWERED), Set.of(), -1);
        assertEquals(List.of(4L, 1L, 4L, 4L, 18L), counts(s.summary(ALICE, "INBOX")));
        s.changeFlags(INBOX, UidSet.of(1), FlagChange.REMOVE, Set.of(Flag.SEEN), Set.of(), -1);
        assertEquals(List.of(4L, 2L, 4L, 1L, 18L), counts(s.summary(ALICE, "INBOX")));

        s.claimRecent(INBOX);
        assertEquals(List.of(4L, 2L, 0L, 1L, 18L), counts(s.summary(ALICE, "INBOX")));

        s.expunge(INBOX, UidSet.of(1, 4));
        assertEquals(List.of(2L, 0L, 0L, 0L, 4L + 5), counts(s.summary(ALICE, "INBOX")), "all seen: no first unseen");

        s.append(INBOX, text("eeeee\r\n"), Set.of(Flag.SEEN), Set.of(), Instant.now());
        s.deliver(ALICE, "INBOX", text("ffffff\r\n"), "q9");
        FolderSummary now = s.summary(ALICE, "INBOX");
        assertEquals(List.of(4L, 1L, 2L, 6L, 9L + 7 + 8), counts(now));
        assertEquals(7, now.uidNext());

        FolderSummary after = restart(s).summary(ALICE, "INBOX");
        assertEquals(now, after, "the same counts from the index after a restart");
    }

    private static List<Long> counts(FolderSummary f) {
        return List.of(f.messages(), f.unseen(), f.recent(), f.firstUnseenUid(), f.bytes());
    }

    @Test
    void recentMessagesGoToExactlyOneClaimerAndStayClaimedAcrossARestart() throws Exception {
        MaildirStore s = store();
        for (int i = 0; i < 20; i++) {
            s.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        int sessions = 4;
        CyclicBarrier start = new CyclicBarrier(sessions);
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<UidSet>> claims = new ArrayList<>();
        for (int k = 0; k < sessions; k++) {
            int id = k;
            claims.add(pool.submit((Callable<UidSet>) () -> {
                start.await(10, TimeUnit.SECONDS);
                UidSet.Builder mine = new UidSet.Builder();
                UidSet got = s.claimRecent(INBOX);
                for (long u : got) {
                    mine.add(u);
                }
                // and a delivery from each, claimed by whoever comes next
                s.deliver(ALICE, "INBOX", text("late " + id + "\r\n"), "late" + id);
                UidSet more = s.claimRecent(INBOX);
                List<Long> all = new ArrayList<>();
                got.forEach(all::add);
                more.forEach(all::add);
                return UidSet.of(all);
            }));
        }
        List<Long> claimed = new ArrayList<>();
        for (Future<UidSet> f : claims) {
            f.get(30, TimeUnit.SECONDS).forEach(claimed::add);
        }
        pool.shutdown();
        assertEquals(20 + sessions, claimed.size(), "every recent message claimed once: " + claimed);
        assertEquals(claimed.size(), new HashSet<>(claimed).size(), "none twice");
        assertEquals(UidSet.range(1, 20 + sessions), UidSet.of(claimed));
        assertTrue(s.claimRecent(INBOX).isEmpty());

        long uid = s.deliver(ALICE, "INBOX", text("before the restart\r\n"), "r1");
        MaildirStore next = restart(s);
        assertEquals(1, next.summary(ALICE, "INBOX").recent());
        assertEquals(UidSet.of(uid), next.claimRecent(INBOX), "claims survive a restart; the new one is recent");
        MaildirStore third = restart(next);
        assertTrue(third.claimRecent(INBOX).isEmpty());
        assertEquals(0, third.summary(ALICE, "INBOX").recent());
    }

    @Test
    void contentOpensExactlyTheByteRangeAsked() throws Exception {
        MaildirStore s = store();
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('A' + i % 26);
        }
        long uid = s.deliver(ALICE, "INBOX", bytes(body), "q1");
        MessageContent c = s.content(INBOX, uid);
        assertEquals(body.length, c.size());
        assertArrayEquals(body, readAll(c.open()));
        assertArrayEquals(Arrays.copyOfRange(body, 0, 10), readAll(c.open(0, 10)));
        assertArrayEquals(Arrays.copyOfRange(body, 4321, 4321 + 1000), readAll(c.open(4321, 1000)));
        assertArrayEquals(Arrays.copyOfRange(body, 9990, 10_000), readAll(c.open(9990, 100)), "fewer at the end");
        assertArrayEquals(new byte[0], readAll(c.open(500, 0)));
        assertArrayEquals(new byte[0], readAll(c.open(10_000, 10)));
        assertArrayEquals(new byte[0], readAll(c.open(20_000, 10)));
        assertArrayEquals(body, readAll(c.open(0, Long.MAX_VALUE)));
        assertArrayEquals(Arrays.copyOfRange(body, 4321, 10_000), readAll(c.open(4321, Long.MAX_VALUE)),
                "a length past the end is the rest, as MessageContent's own open(offset, length) gives it");
        try (InputStream in = c.open(100, 3)) {
            assertEquals(body[100], (byte) in.read());
            byte[] two = new byte[10];
            assertEquals(2, in.readNBytes(two, 0, 10));
            assertEquals(-1, in.read());
        }

        // A flag change renames the file: content found before it still opens the message.
        s.changeFlags(INBOX, UidSet.of(uid), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        assertArrayEquals(Arrays.copyOfRange(body, 5000, 5010), readAll(c.open(5000, 10)));

        s.expunge(INBOX, UidSet.of(uid));
        assertNull(s.content(INBOX, uid), "expunged: no content");
        assertThrows(IOException.class, () -> c.open(0, 10).close(), "and none from what was found before");
    }

    @Test
    void aConditionalFlagChangeLeavesMessagesChangedSinceAlone() throws Exception {
        MaildirStore s = store();
        for (int i = 0; i < 3; i++) {
            s.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        long seen = s.summary(ALICE, "INBOX").highestModSeq();
        s.changeFlags(INBOX, UidSet.of(2), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of(), -1); // another session
        FlagResult r = s.changeFlags(INBOX, UidSet.range(1, 3), FlagChange.ADD, Set.of(Flag.DELETED), Set.of(), seen);
        assertEquals(UidSet.of(2), r.failed(), "changed after the client's MODSEQ (RFC 7162 MODIFIED)");
        assertEquals(List.of(1L, 3L), uidsOf(r.messages()));
        List<MessageMeta> now = s.messages(INBOX, ALL);
        assertEquals(Set.of(Flag.DELETED), now.get(0).flags());
        assertEquals(Set.of(Flag.FLAGGED), now.get(1).flags(), "left as it was");
        assertEquals(Set.of(Flag.DELETED), now.get(2).flags());
        assertEquals(r.messages().get(1).modSeq(), s.summary(ALICE, "INBOX").highestModSeq());
    }

    @Test
    void copyAndMoveMapUidsInOrderAndAMovedMessageIsInOneFolder() throws Exception {
        MaildirStore s = store();
        for (int i = 1; i <= 4; i++) {
            s.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        s.changeFlags(INBOX, UidSet.of(3), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of("$Work"), -1);
        long archiveValidity = s.summary(ALICE, "Archive").uidValidity();
        UidMap copy = s.copy(INBOX, UidSet.of(1, 3, 99), "Archive");
        assertEquals(new UidMap(archiveValidity, UidSet.of(1, 3), UidSet.of(1, 2)), copy);
        FolderRef archive = FolderRef.of(ALICE, "Archive");
        assertEquals(Set.of(Flag.FLAGGED), s.messages(archive, UidSet.of(2)).get(0).flags(), "flags come along");
        assertEquals(Set.of("$Work"), s.messages(archive, UidSet.of(2)).get(0).keywords());
        assertEquals(4, s.uids(INBOX).size(), "a copy leaves the source");

        UidMap move = s.move(INBOX, UidSet.of(2, 4), "Archive");
        assertEquals(new UidMap(archiveValidity, UidSet.of(2, 4), UidSet.of(3, 4)), move);
        assertEquals(UidSet.of(1, 3), s.uids(INBOX));
        assertEquals(UidSet.range(1, 4), s.uids(archive));
        for (long[] m : new long[][] {{1, 1}, {3, 2}, {2, 3}, {4, 4}}) {
            assertEquals("m" + m[0] + "\r\n", new String(readAll(s.content(archive, m[1]).open()),
                    StandardCharsets.UTF_8));
        }
        MaildirStore next = restart(s);
        assertEquals(UidSet.of(1, 3), next.uids(INBOX), "the same after a restart");
        assertEquals(UidSet.range(1, 4), next.uids(archive));
        assertEquals(2 + 4, next.usage(ALICE)[1], "2 left in INBOX, 4 in Archive");
    }

    static MessageContent bytes(byte[] b) {
        return MessageContent.of(b);
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** The texts of a folder's messages, by UID. */
    private static Map<Long, String> texts(MaildirStore s, FolderRef f) throws Exception {
        Map<Long, String> m = new TreeMap<>();
        for (long uid : s.uids(f)) {
            m.put(uid, new String(readAll(s.content(f, uid).open()), StandardCharsets.UTF_8));
        }
        return m;
    }

    /** Three messages in INBOX, the store stopped; returns INBOX's index as it is then. */
    private byte[] threeInInbox() throws Exception {
        MaildirStore s = store();
        for (int i = 1; i <= 3; i++) {
            s.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        s.summary(ALICE, "Archive");
        s.deactivate();
        return Files.readAllBytes(FolderNames.userDir(root, ALICE).resolve(IndexLog.FILE));
    }

    @Test
    void aMoveCutByACrashAfterTheFilesMovedLeavesEachMessageInOneFolder() throws Exception {
        byte[] before = threeInInbox();
        MaildirStore s = store();
        s.move(INBOX, UidSet.of(1, 2), "Archive");
        s.deactivate();
        // The crash came before the source's expunge records: INBOX's index still has 1 and 2.
        Files.write(FolderNames.userDir(root, ALICE).resolve(IndexLog.FILE), before);

        MaildirStore next = store();
        assertEquals(Map.of(3L, "m3\r\n"), texts(next, INBOX), "1 and 2 left INBOX");
        assertEquals(Map.of(1L, "m1\r\n", 2L, "m2\r\n"), texts(next, FolderRef.of(ALICE, "Archive")));
        assertEquals(3, next.usage(ALICE)[1]);
        assertEquals(4, next.deliver(ALICE, "INBOX", text("m4\r\n"), "q4"), "no UID of INBOX handed out again");
    }

    @Test
    void aMoveCutByACrashBeforeTheFilesMovedLeavesEachMessageInOneFolder() throws Exception {
        byte[] before = threeInInbox();
        Path inbox = FolderNames.userDir(root, ALICE);
        Path archive = FolderNames.folderDir(inbox, "Archive");
        Map<String, String> sourceOf = new HashMap<>(); // text -> file in INBOX
        for (String f : Maildirs.files(inbox)) {
            sourceOf.put(Files.readString(inbox.resolve(f)), f);
        }
        MaildirStore s = store();
        s.move(INBOX, UidSet.of(1, 2), "Archive");
        s.deactivate();
        // The crash came after the target's records, before any file was renamed: the files
        // are where they were, and INBOX's index is as it was.
        List<String> moved = Maildirs.files(archive);
        assertEquals(2, moved.size());
        for (String f : moved) {
            Files.move(archive.resolve(f), inbox.resolve(sourceOf.get(Files.readString(archive.resolve(f)))));
        }
        Files.write(inbox.resolve(IndexLog.FILE), before);

        MaildirStore next = store();
        FolderRef arch = FolderRef.of(ALICE, "Archive");
        assertEquals(Map.of(1L, "m1\r\n", 2L, "m2\r\n", 3L, "m3\r\n"), texts(next, INBOX), "still in INBOX");
        assertEquals(Map.of(), texts(next, arch), "the target's records without files are expunged");
        assertEquals(UidSet.of(1, 2), next.changesSince(arch, 0).vanished());
        assertEquals(3, next.usage(ALICE)[1]);
        assertEquals(3, next.deliver(ALICE, "Archive", text("a\r\n"), "qa"), "Archive's UIDs 1 and 2 are spent");
    }

    @Test
    void aCompactedIndexStillFindsEveryFileAndForgetsNothing() throws Exception {
        MaildirStore s = store();
        for (int i = 1; i <= 6; i++) {
            s.deliver(ALICE, "INBOX", text("m" + i + "\r\n"), "q" + i);
        }
        s.expunge(INBOX, UidSet.of(6));
        long afterExpunge = s.summary(ALICE, "INBOX").highestModSeq() - 1;
        Path index = FolderNames.userDir(root, ALICE).resolve(IndexLog.FILE);
        int most = 0;
        for (int round = 0; round < 300; round++) { // five records a round: past the compaction threshold
            s.changeFlags(INBOX, UidSet.range(1, 5), round % 2 == 0 ? FlagChange.ADD : FlagChange.REMOVE,
                    Set.of(Flag.SEEN), Set.of("$R" + round % 3), -1);
            most = Math.max(most, Files.readAllLines(index).size());
        }
        int lines = Files.readAllLines(index).size();
        assertTrue(lines < most, "the index was compacted: " + lines + " lines, at most " + most);
        assertTrue(most < 300 * 5, "compacted on the way, not only at the end: " + most);
        s.claimRecent(INBOX);
        List<MessageMeta> metas = s.messages(INBOX, ALL);
        Changes vanished = s.changesSince(INBOX, afterExpunge);
        FolderSummary summary = s.summary(ALICE, "INBOX");
        assertEquals(Map.of(1L, "m1\r\n", 2L, "m2\r\n", 3L, "m3\r\n", 4L, "m4\r\n", 5L, "m5\r\n"), texts(s, INBOX),
                "each file found at the position of its record in the compacted log");
        assertEquals(UidSet.of(6), vanished.vanished(), "the expunge is remembered through compactions");
        assertTrue(vanished.exact());

        MaildirStore next = restart(s);
        assertEquals(metas, next.messages(INBOX, ALL), "flags, keywords and MODSEQs read back");
        assertEquals(vanished, next.changesSince(INBOX, afterExpunge));
        assertEquals(summary, next.summary(ALICE, "INBOX"), "recent claims read back too");
        next.changeFlags(INBOX, UidSet.of(3), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of(), -1);
        assertEquals(Map.of(1L, "m1\r\n", 2L, "m2\r\n", 3L, "m3\r\n", 4L, "m4\r\n", 5L, "m5\r\n"),
                texts(restart(next), INBOX));
    }

    @Test
    void tooManyKeywordsAreRefusedAndChangeNothing() throws Exception {
        MaildirStore s = store();
        s.deliver(ALICE, "INBOX", text("m\r\n"), "q1");
        Set<String> many = new HashSet<>();
        for (int i = 0; many.stream().mapToInt(k -> k.length() + 1).sum() <= MaildirFolder.MAX_KEYWORD_CHARS; i++) {
            many.add("$Keyword" + i);
        }
        long modSeq = s.summary(ALICE, "INBOX").highestModSeq();
        org.postrider.api.store.StoreException e = assertThrows(org.postrider.api.store.StoreException.class,
                () -> s.changeFlags(INBOX, UidSet.of(1), FlagChange.ADD, Set.of(), many, -1));
        assertFalse(e.temporary());
        assertThrows(org.postrider.api.store.StoreException.class,
                () -> s.append(INBOX, text("x\r\n"), Set.of(), many, Instant.now()));
        assertEquals(modSeq, s.summary(ALICE, "INBOX").highestModSeq());
        assertEquals(1, s.summary(ALICE, "INBOX").messages());
    }
}
