package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postrider.store.maildir.MaildirFolderTest.text;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;

/**
 * What a crash, a torn index or a lost index may do to UIDs: never hand out a UID twice
 * under one UIDVALIDITY, never move HIGHESTMODSEQ back, keep keywords where the index
 * still has them.
 */
class IndexDurabilityTest {
    @TempDir
    Path dir;

    private FolderView open(Path d) {
        return FolderView.open(d, MaildirFolder.FolderEvents.NONE);
    }

    private FolderView open() {
        return open(dir);
    }

    /** Cuts the index in the middle of its last record, as a crash mid-append leaves it. */
    private static void tearLastRecord(Path folder) throws IOException {
        Path log = folder.resolve(IndexLog.FILE);
        byte[] b = Files.readAllBytes(log);
        int lastStart = b.length - 2;
        while (lastStart > 0 && b[lastStart - 1] != '\n') {
            lastStart--;
        }
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(lastStart + 3); // "X 5" of "X 5 12\n": no newline, no modseq
        }
    }

    private static Map<Long, String> bodies(FolderView f) throws Exception {
        Map<Long, String> m = new HashMap<>();
        for (long uid : f.uids()) {
            m.put(uid, f.text(uid));
        }
        return m;
    }

    @Test
    void aTornTailIsCutBeforeTheNextAppendSoNothingIsRebuilt() throws Exception {
        FolderView f = open();
        for (int i = 1; i <= 5; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        f.changeFlags(List.of(1L), FlagChange.ADD, Set.of(), Set.of("$Work"));
        f.expunge(List.of(4L, 5L));
        long validity = f.uidValidity();
        long modSeq = f.highestModSeq();
        tearLastRecord(dir); // the record of 5's expunge is torn

        FolderView again = open(); // 5 is gone from disk: the folder expunges it again (an append)
        long six = again.deliver(text("m6\r\n"), "k6");
        assertTrue(six >= 6, "UID " + six + " was handed out before");

        FolderView third = open();
        assertEquals(validity, third.uidValidity());
        assertTrue(third.highestModSeq() >= modSeq, "HIGHESTMODSEQ went back from " + modSeq + " to "
                + third.highestModSeq());
        assertEquals(Set.of("$Work"), third.messages().get(0).keywords(), "keywords kept");
        long next = third.deliver(text("m7\r\n"), "k7");
        assertTrue(next > six, "UID " + next + " was handed out before");
        assertEquals(Map.of(1L, "m1\r\n", 2L, "m2\r\n", 3L, "m3\r\n", six, "m6\r\n", next, "m7\r\n"), bodies(third));
    }

    @Test
    void aRebuildAfterExpungesNeverReusesAnExpungedUid() throws Exception {
        FolderView f = open();
        for (int i = 1; i <= 5; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        f.expunge(List.of(4L, 5L));
        long validity = f.uidValidity();
        long modSeq = f.highestModSeq();
        Files.delete(dir.resolve(IndexLog.FILE)); // lost: an admin, a bad disk

        FolderView again = open();
        long next = again.deliver(text("m6\r\n"), "k6");
        assertTrue(next >= 6 || again.uidValidity() != validity, "expunged UID " + next + " handed out again");
        assertTrue(again.highestModSeq() > modSeq || again.uidValidity() != validity, "HIGHESTMODSEQ went back");
        assertEquals(4, again.messages().size(), "nothing lost");
    }

    @Test
    void aReindexThatDiesMidScanLeavesTheOldIndex() throws Exception {
        FolderView f = open();
        for (int i = 1; i <= 5; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        f.changeFlags(List.of(2L), FlagChange.ADD, Set.of(), Set.of("$Later"));
        f.expunge(List.of(5L));
        long validity = f.uidValidity();
        long modSeq = f.highestModSeq();
        // The scan fails half way, as a kill would stop it: cur/ cannot be listed.
        Path cur = dir.resolve("cur");
        Path aside = dir.resolve("cur-aside");
        Files.move(cur, aside);
        Files.writeString(cur, "not a directory");
        assertThrows(StoreException.class, f::reindex);
        Files.delete(cur);
        Files.move(aside, cur);

        FolderView again = open(); // what a restart sees
        assertEquals(validity, again.uidValidity());
        assertEquals(List.of(1L, 2L, 3L, 4L), again.uids());
        assertEquals(Set.of("$Later"), again.messages().get(1).keywords(), "the old index is intact");
        assertTrue(again.highestModSeq() >= modSeq);
        assertTrue(again.deliver(text("m6\r\n"), "k6") >= 6);
    }

    @Test
    void aRebuildDoesNotTrustUidsInNamesOfFilesMovedFromAnotherFolder() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        FolderView fa = open(a);
        FolderView fb = open(b);
        for (int i = 1; i <= 3; i++) {
            fa.deliver(text("a" + i + "\r\n"), "ka" + i);
            fb.deliver(text("b" + i + "\r\n"), "kb" + i);
        }
        fb.expunge(List.of(3L));
        long validity = fb.uidValidity();
        // A mail client's filter moves a's message 3 (its name says U3) into b, and b's index is lost.
        try (Stream<Path> s = Files.list(a.resolve("new"))) {
            Path three = s.filter(p -> new String(readAll(p)).equals("a3\r\n")).findFirst().orElseThrow();
            Files.move(three, b.resolve("new").resolve(three.getFileName()));
        }
        Files.delete(b.resolve(IndexLog.FILE));

        FolderView again = open(b);
        Map<Long, String> now = bodies(again);
        assertEquals(Set.of("b1\r\n", "b2\r\n", "a3\r\n"), Set.copyOf(now.values()), "nothing lost");
        if (again.uidValidity() == validity) {
            assertEquals("b1\r\n", now.get(1L));
            assertEquals("b2\r\n", now.get(2L));
            assertNotEquals("a3\r\n", now.get(3L), "b's expunged UID 3 given to a message from a");
            assertTrue(now.entrySet().stream().filter(e -> e.getValue().equals("a3\r\n")).findFirst().orElseThrow()
                    .getKey() >= 4);
        }
    }

    @Test
    void duplicateUidsInFileNamesBumpUidvalidity() throws Exception {
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        long validity = f.uidValidity();
        // A backup restored beside the live file: two names claim UID 1.
        String name;
        try (Stream<Path> s = Files.list(dir.resolve("new"))) {
            name = s.findFirst().orElseThrow().getFileName().toString();
        }
        Files.writeString(dir.resolve("new").resolve(name.replaceFirst("^(\\d+)\\.M\\d+", "$1.M999")),
                "copy\r\n");
        Files.delete(dir.resolve(IndexLog.FILE));

        FolderView again = open();
        assertEquals(2, again.messages().size());
        assertNotEquals(validity, again.uidValidity(), "two messages claimed UID 1: clients must resynchronise");
    }

    @Test
    void aNameClaimingAUidPastTheHighWaterMarkBumpsUidvalidity() throws Exception {
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        long validity = f.uidValidity();
        String name;
        try (Stream<Path> s = Files.list(dir.resolve("new"))) {
            name = s.findFirst().orElseThrow().getFileName().toString();
        }
        // This folder's id, a UID it never handed out (a restored copy of another server's data, a hand edit).
        Files.writeString(dir.resolve("new").resolve(name.replaceFirst("^(\\d+)\\.M\\d+", "$1.M999")
                .replaceFirst("U1\\.", "U999999.")), "odd\r\n");
        Files.delete(dir.resolve(IndexLog.FILE));

        FolderView again = open();
        List<Long> uids = again.uids();
        assertEquals(2, uids.size());
        assertEquals(1L, uids.get(0), "the name's UID below the marks is kept");
        assertTrue(uids.get(1) < 999999L, "the UID past the marks is not taken from the name: " + uids);
        assertEquals(uids.get(1) + 1, again.uidNext());
        assertNotEquals(validity, again.uidValidity());
    }

    @Test
    void uidsInNamesPastImapsRangeGetFreshUidsAndUidnextStaysIn32Bits() throws Exception {
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        String name;
        try (Stream<Path> s = Files.list(dir.resolve("new"))) {
            name = s.findFirst().orElseThrow().getFileName().toString();
        }
        int i = 0;
        for (String big : List.of("9223372036854775807", "4294967296", "4294967295")) {
            Files.writeString(dir.resolve("new").resolve(name.replaceFirst("^(\\d+)\\.M\\d+", "$1.M99" + i++)
                    .replaceFirst("U1\\.", "U" + big + ".")), "big " + big + "\r\n");
        }
        Files.delete(dir.resolve(IndexLog.FILE));
        // The marks are kept: the names' UIDs past them were never handed out by this folder.

        FolderView again = open();
        List<Long> uids = again.uids();
        assertEquals(4, uids.size(), "nothing lost");
        assertEquals(4, Set.copyOf(uids).size(), "no UID twice");
        for (long uid : uids) {
            assertTrue(uid > 0 && uid < 0xFFFFFFFFL, "UID " + uid);
        }
        assertTrue(again.uidNext() > uids.stream().mapToLong(Long::longValue).max().orElseThrow());
        assertTrue(again.uidNext() <= 0xFFFFFFFFL, "UIDNEXT " + again.uidNext() + " is past what IMAP can say");
        again.deliver(text("after\r\n"), "k2");
        assertEquals(5, again.messages().size());
    }

    @Test
    void anIndexRecordWithAUidPastImapsRangeIsNotTrusted() throws Exception {
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        Files.writeString(dir.resolve(IndexLog.FILE), "X 4294967296 5\n", StandardOpenOption.APPEND);
        assertFalse(new IndexLog(dir).load().trusted);
    }

    @Test
    void losingTheIndexAndTheHighWaterMarksBumpsUidvalidity() throws Exception {
        FolderView f = open();
        for (int i = 1; i <= 3; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        f.expunge(List.of(3L));
        long validity = f.uidValidity();
        Files.delete(dir.resolve(IndexLog.FILE));
        Files.delete(dir.resolve(HighWater.FILE));

        FolderView again = open();
        assertEquals(2, again.messages().size(), "nothing lost");
        assertNotEquals(validity, again.uidValidity(), "UID 3 may have been handed out: nothing proves otherwise");
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRebuildForgetsExpungesSoChangesSinceAnOlderModSeqIsAnInexactSuperset() throws Exception {
        FolderView f = open();
        for (int i = 1; i <= 5; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        long before = f.highestModSeq();
        f.expunge(List.of(2L, 4L));
        assertEquals(org.postrider.api.store.UidSet.of(2, 4), f.changesSince(before).vanished());
        assertTrue(f.changesSince(before).exact());
        long validity = f.uidValidity();
        Files.delete(dir.resolve(IndexLog.FILE)); // the expunge records are lost with it

        FolderView again = open();
        assertEquals(validity, again.uidValidity(), "the marks prove the names' UIDs");
        org.postrider.api.store.Changes c = again.changesSince(before);
        assertFalse(c.exact(), "the store cannot say exactly what vanished");
        assertTrue(c.vanished().contains(2) && c.vanished().contains(4), "a superset: " + c.vanished());
        for (long uid : again.uids()) {
            assertFalse(c.vanished().contains(uid), "a message that is there did not vanish: " + uid);
        }
        assertEquals(again.uids(), c.changed().stream().map(MessageMeta::uid).toList(),
                "the rebuilt messages all count as changed");
    }
}
