package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.UidSet;

class MaildirFolderTest {
    @TempDir
    Path dir;
    final List<StoreEvent> events = new ArrayList<>();

    private FolderView open() {
        return FolderView.open(dir,
                (u, f, modSeq) -> events.add(new StoreEvent(u, f, StoreEvent.Kind.CHANGED, modSeq, null)));
    }

    static MessageContent text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return MessageContent.of(b);
    }

    static byte[] read(MessageContent c) throws IOException {
        try (InputStream in = c.open()) {
            return in.readAllBytes();
        }
    }

    private List<Long> modSeqsOfEvents() {
        return events.stream().peek(e -> assertEquals(StoreEvent.Kind.CHANGED, e.kind())).map(StoreEvent::modSeq)
                .toList();
    }

    @Test
    void firstDeliveryIsUidOneAndSurvivesReopening() throws Exception {
        FolderView f = open();
        long validity = f.uidValidity();
        long start = f.highestModSeq();
        events.clear();
        assertEquals(1, f.deliver(text("Subject: a\r\n\r\nbody\r\n"), "k1"));
        long afterFirst = f.highestModSeq();
        assertEquals(2, f.deliver(text("Subject: b\r\n\r\nbody\r\n"), "k2"));
        // One CHANGED hint per delivery, carrying the folder's HIGHESTMODSEQ after it.
        assertEquals(List.of(afterFirst, f.highestModSeq()), modSeqsOfEvents());
        assertTrue(afterFirst > start && f.highestModSeq() > afterFirst);
        Changes c = f.changesSince(start);
        assertEquals(List.of(1L, 2L), c.changed().stream().map(MessageMeta::uid).toList(), "the hint's additions");
        assertTrue(c.vanished().isEmpty());
        assertEquals(List.of(2L), f.changesSince(afterFirst).changed().stream().map(MessageMeta::uid).toList());

        FolderView again = open();
        assertEquals(validity, again.uidValidity());
        assertEquals(3, again.uidNext());
        assertArrayEquals("Subject: a\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8), read(again.content(1)));
        try (var files = Files.list(dir.resolve("new"))) {
            assertEquals(2, files.count(), "one file per message, in new/");
        }
    }

    @Test
    void redeliveryWithTheSameKeyAddsNothing() throws Exception {
        FolderView f = open();
        long uid = f.deliver(text("x\r\n"), MaildirStore.deliveryKey("Q1/alice@example.org"));
        assertEquals(uid, f.deliver(text("x\r\n"), MaildirStore.deliveryKey("Q1/alice@example.org")));
        assertEquals(uid, open().deliver(text("x\r\n"), MaildirStore.deliveryKey("Q1/alice@example.org")),
                "after a restart too");
        assertEquals(1, open().messages().size());
    }

    @Test
    void filesAddedAndRemovedByOtherToolsGetNewUidsNeverReused() throws Exception {
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        f.deliver(text("two\r\n"), "k2");
        long before = f.highestModSeq();
        events.clear();
        // Another tool removes UID 2 and drops in a message of its own.
        assertEquals(2, f.messages().get(1).uid());
        Files.delete(dir.resolve(findFile(2)));
        Files.writeString(dir.resolve("new/1700000000.M1P2.otherhost"), "Subject: foreign\r\n\r\nhi\r\n");
        f.refresh();
        List<Long> uids = f.uids();
        assertEquals(List.of(1L, 3L), uids, "2 expunged, the foreign file got 3");
        assertEquals(List.of(f.highestModSeq()), modSeqsOfEvents(), "one hint for what the refresh found");
        Changes c = f.changesSince(before);
        assertEquals(UidSet.of(2), c.vanished(), "the hint's expunge");
        assertTrue(c.exact());
        assertEquals(List.of(3L), c.changed().stream().map(MessageMeta::uid).toList(), "the hint's addition");
        assertEquals(4, f.deliver(text("four\r\n"), "k4"));
    }

    @Test
    void temporaryFilesLeftForADayAndAHalfAreRemovedWhenTheFolderIsListed() throws Exception {
        // A delivery cut by a crash, or one whose folder was renamed under it, leaves its file
        // in tmp/; Maildir's convention: tmp/ files untouched for 36 hours are removed.
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        Path stale = dir.resolve("tmp/1700000000.M1Qdead.athena");
        Path writing = dir.resolve("tmp/1700000001.M2Qbeef.athena");
        Files.writeString(stale, "Subject: cut short\r\n");
        Files.writeString(writing, "Subject: being written\r\n");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(37))));
        Files.setLastModifiedTime(writing, FileTime.from(Instant.now().minus(Duration.ofHours(35))));
        Files.writeString(dir.resolve("new/1700000000.M1P2.otherhost"), "Subject: foreign\r\n\r\nhi\r\n");
        f.refresh(); // lists the folder: another tool changed it
        assertEquals(2, f.uids().size());
        assertFalse(Files.exists(stale), "left for 37 hours");
        assertTrue(Files.exists(writing), "35 hours: it may still be written");
    }

    private String findFile(long uid) throws IOException {
        try (var files = Files.list(dir.resolve("new"))) {
            return "new/" + files.map(p -> p.getFileName().toString()).filter(n -> n.contains("U" + uid + "."))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void flagChangesMoveToCurAndRaiseModSeq() throws Exception {
        FolderView f = open();
        f.deliver(text("m\r\n"), "k1");
        long before = f.highestModSeq();
        MessageMeta m = f.changeFlags(List.of(1L), FlagChange.ADD, Set.of(Flag.SEEN, Flag.FLAGGED), Set.of("$Work"))
                .get(0);
        assertEquals(Set.of(Flag.SEEN, Flag.FLAGGED), m.flags());
        assertTrue(m.modSeq() > before);
        try (var files = Files.list(dir.resolve("cur"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(":2,FS")));
        }
        FolderView again = open();
        assertEquals(Set.of("$Work"), again.messages().get(0).keywords(), "keywords live in the index");
        assertEquals(m.modSeq(), again.highestModSeq());
    }

    @Test
    void reindexKeepsUidvalidityAndOurUids() throws Exception {
        FolderView f = open();
        long validity = f.uidValidity();
        for (int i = 1; i <= 5; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        f.expunge(List.of(2L, 5L));
        f.reindex();
        assertEquals(validity, f.uidValidity());
        assertEquals(List.of(1L, 3L, 4L), f.uids());
        assertArrayEquals("m3\r\n".getBytes(StandardCharsets.UTF_8), read(f.content(3)));
        assertNull(f.content(2));
    }

    @Test
    void aTornLastIndexLineIsIgnored() throws Exception {
        FolderView f = open();
        f.deliver(text("m\r\n"), "k1");
        Files.writeString(dir.resolve(IndexLog.FILE), "F 1 99 S cur", java.nio.file.StandardOpenOption.APPEND);
        FolderView again = open();
        assertEquals(1, again.messages().size());
        assertFalse(again.messages().get(0).flags().contains(Flag.SEEN));
    }

    @Test
    void reindexAfterTheHighestUidWasExpungedDoesNotReuseIt() throws Exception {
        FolderView f = open();
        f.deliver(text("a\r\n"), "k1");
        f.deliver(text("b\r\n"), "k2");
        f.expunge(List.of(2L));
        long modSeq = f.highestModSeq();
        f.reindex();
        assertEquals(3, f.uidNext());
        assertTrue(f.highestModSeq() > modSeq, "MODSEQ must not go back either");
        assertEquals(3, f.deliver(text("c\r\n"), "k3"));
    }

    @Test
    void aFlagChangeByAnotherToolIsSeenWithANewModSeqAndAMoveToCurWithout() throws Exception {
        FolderView f = open();
        f.deliver(text("one\r\n"), "k1");
        f.deliver(text("two\r\n"), "k2");
        long before = f.highestModSeq();
        events.clear();
        // A Maildir reader takes 1 into cur/ (no flags), another tool marks 2 seen and flagged.
        String one = findFile(1);
        String two = findFile(2);
        Files.move(dir.resolve(one), dir.resolve("cur/" + one.substring(4) + ":2,"));
        Files.move(dir.resolve(two), dir.resolve("cur/" + two.substring(4) + ":2,FS"));
        f.refresh();
        List<MessageMeta> now = f.messages();
        assertEquals(Set.of(), now.get(0).flags());
        assertTrue(now.get(0).modSeq() <= before, "a move without a flag change is no change");
        assertEquals(Set.of(Flag.SEEN, Flag.FLAGGED), now.get(1).flags());
        assertTrue(now.get(1).modSeq() > before);
        assertEquals(List.of(f.highestModSeq()), modSeqsOfEvents());
        assertEquals(List.of(2L), f.changesSince(before).changed().stream().map(MessageMeta::uid).toList());
        assertEquals("one\r\n", f.text(1), "found where the other tool put it");
        assertEquals("two\r\n", f.text(2));

        FolderView again = open(); // and the index says so after a restart
        assertEquals(now, again.messages());
        assertEquals("one\r\n", again.text(1));
        again.changeFlags(List.of(1L), FlagChange.ADD, Set.of(Flag.ANSWERED), Set.of());
        assertEquals("one\r\n", again.text(1), "renamed from where the other tool put it");
    }

    @Test
    void reindexKeepsTheExpungesItRemembers() throws Exception {
        FolderView f = open();
        for (int i = 1; i <= 5; i++) {
            f.deliver(text("m" + i + "\r\n"), "k" + i);
        }
        long before = f.highestModSeq();
        f.expunge(List.of(2L, 5L));
        f.reindex();
        Changes c = f.changesSince(before);
        assertTrue(c.exact(), "QRESYNC stays exact across a reindex");
        assertEquals(UidSet.of(2, 5), c.vanished());
    }
}
