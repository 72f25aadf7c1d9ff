package org.postrider.gateway.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Router;
import org.postrider.api.queue.Submission;
import org.postrider.api.queue.Verdict;

class PickupTest {
    @TempDir
    Path dir;

    /** A queue in memory: what was committed, under which key; it can be told to fail. */
    static final class FakeQueue implements MailQueue {
        final List<Envelope> envelopes = new ArrayList<>();
        final List<String> contents = new ArrayList<>();
        final Map<String, QueueId> keys = new HashMap<>();
        QueueException failCommit;
        int n;

        @Override
        public Submission begin(Envelope envelope) {
            throw new AssertionError("a pickup gives an idempotency key");
        }

        @Override
        public Submission begin(Envelope envelope, String key) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            return new Submission() {
                @Override
                public OutputStream content() {
                    return buf;
                }

                @Override
                public QueueId commit() throws QueueException {
                    if (failCommit != null) {
                        throw failCommit;
                    }
                    QueueId id = new QueueId("Q" + ++n);
                    envelopes.add(envelope);
                    contents.add(buf.toString(StandardCharsets.UTF_8));
                    keys.put(key, id);
                    return id;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Optional<QueueId> committedWith(String key) {
            return Optional.ofNullable(keys.get(key));
        }
    }

    private final FakeQueue queue = new FakeQueue();
    private Verdict verdict = Verdict.accept();
    private final Router router = (sender, rcpt, authenticated) -> verdict;

    private Pickup pickup(long maxSize) throws Exception {
        return new Pickup("files", dir, new Pickup.Limits(maxSize, 10, false));
    }

    private Path put(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aGoodFileIsQueuedWithCrlfLineEndsAndRemovedOnlyAfterTheCommit() throws Exception {
        put("m1.eml", "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        assertEquals(1, pickup(1000).scan(queue, router));
        assertEquals(1, queue.envelopes.size());
        Envelope e = queue.envelopes.get(0);
        assertEquals("app@example.org", e.sender().toString());
        assertEquals(MailAddress.parse("bob@example.org"), e.recipients().get(0).address());
        assertEquals("gateway:files", e.origin().protocol());
        assertEquals("Subject: hi\r\n\r\nline\r\n", queue.contents.get(0));
        assertEquals(List.of("bad", "claimed"), names(dir), "the file is gone once queued");
        assertEquals(List.of(), names(dir.resolve("claimed")));
    }

    @Test
    void aFileTheQueueCannotTakeNowStaysForALaterScan() throws Exception {
        put("m1.eml", "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        queue.failCommit = new QueueException("4.3.0 disk full");
        Pickup p = pickup(1000);
        assertEquals(0, p.scan(queue, router));
        assertEquals(List.of("bad", "claimed"), names(dir));
        List<String> claimed = names(dir.resolve("claimed"));
        assertEquals(1, claimed.size(), claimed.toString());
        assertTrue(claimed.get(0).endsWith("-m1.eml"), claimed.toString());
        assertTrue(p.waiting().contains(claimed.get(0)));
        assertEquals(0, p.scan(queue, router), "not tried again at once");
        assertTrue(queue.envelopes.isEmpty());
        assertEquals(claimed, names(dir.resolve("claimed")), "kept under the name it was claimed by");
    }

    @Test
    void aRecipientTheDirectoryCannotCheckNowLeavesTheFile() throws Exception {
        put("m1.eml", "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        verdict = Verdict.defer("4.3.0", "directory unavailable");
        assertEquals(0, pickup(1000).scan(queue, router));
        assertEquals(List.of("bad", "claimed"), names(dir));
        assertEquals(1, names(dir.resolve("claimed")).size());
        verdict = Verdict.accept();
        assertEquals(1, pickup(1000).scan(queue, router), "the next instance takes it");
        assertEquals(List.of(), names(dir.resolve("claimed")));
    }

    @Test
    void aRefusedRecipientSendsTheFileToBadWithTheReason() throws Exception {
        put("m1.eml", "x-sender: app@example.org\nx-receiver: eve@example.net\nSubject: hi\n\nline\n");
        verdict = Verdict.reject(554, "5.7.1", "relay access denied");
        Pickup p = pickup(1000);
        assertEquals(0, p.scan(queue, router));
        assertEquals(List.of("bad", "claimed"), names(dir));
        assertEquals(List.of(), names(dir.resolve("claimed")));
        assertEquals(List.of("m1.eml", "m1.eml.reason"), names(dir.resolve("bad")));
        String why = Files.readString(dir.resolve("bad/m1.eml.reason"));
        assertTrue(why.contains("<eve@example.net> refused: 554 5.7.1 relay access denied"), why);
        assertTrue(Files.readString(dir.resolve("bad/m1.eml")).contains("x-receiver: eve@example.net"),
                "the file is kept as it was");
        assertEquals(0, p.scan(queue, router), "and not read again");
        assertTrue(queue.envelopes.isEmpty());
    }

    @Test
    void badFilesOfTheSameNameDoNotOverwriteEachOther() throws Exception {
        Pickup p = pickup(1000);
        put("m.eml", "no envelope one\n");
        p.scan(queue, router);
        put("m.eml", "no envelope two\n");
        p.scan(queue, router);
        assertEquals(List.of("m.eml", "m.eml.1", "m.eml.1.reason", "m.eml.reason"), names(dir.resolve("bad")));
        assertEquals("no envelope two\n", Files.readString(dir.resolve("bad/m.eml.1")));
        assertTrue(Files.readString(dir.resolve("bad/m.eml.reason")).contains("no x-sender"));
    }

    @Test
    void aFileLargerThanTheLimitGoesToBadUnread() throws Exception {
        put("big.eml", "x-sender: a@example.org\nx-receiver: b@example.org\n\n" + "x".repeat(5000) + "\n");
        pickup(1000).scan(queue, router);
        assertTrue(Files.readString(dir.resolve("bad/big.eml.reason")).contains("larger than maxMessageSize"));
        assertTrue(queue.envelopes.isEmpty());
    }

    @Test
    void aSymbolicLinkIsNeverFollowed() throws Exception {
        Path secret = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-secret"),
                "x-sender: a@example.org\nx-receiver: b@example.org\nS: x\n\nsecret\n");
        try {
            Files.createSymbolicLink(dir.resolve("link.eml"), secret);
            pickup(1000).scan(queue, router);
            assertTrue(queue.envelopes.isEmpty(), "what a link points at is not mailed");
            assertTrue(Files.readString(dir.resolve("bad/link.eml.reason")).contains("not a plain file"));
            assertTrue(Files.exists(secret));
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void dotFilesAndFoldersAreLeftAlone() throws Exception {
        put(".writing.eml", "x-sender: a@example.org\nx-receiver: b@example.org\nS: x\n\nhalf");
        Files.createDirectories(dir.resolve("sub"));
        assertEquals(0, pickup(1000).scan(queue, router));
        assertEquals(List.of(".writing.eml", "bad", "claimed", "sub"), names(dir));
        assertTrue(names(dir.resolve("claimed")).isEmpty());
        assertTrue(names(dir.resolve("bad")).isEmpty());
    }

    @Test
    void aFileQueuedBeforeACrashThatCameBeforeItsRemovalIsNotQueuedAgain() throws Exception {
        pickup(1000);
        // claimed and committed under its claimed name, then the server died before the removal
        String name = Pickup.claimName("m1.eml");
        Files.writeString(dir.resolve("claimed").resolve(name),
                "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        queue.keys.put(Pickup.idempotencyKey(name), new QueueId("EARLIER"));
        assertEquals(1, pickup(1000).scan(queue, router));
        assertTrue(queue.envelopes.isEmpty(), "not queued a second time");
        assertEquals(List.of(), names(dir.resolve("claimed")));
    }

    @Test
    void aFileClaimedBeforeACrashThatCameBeforeItsCommitIsQueued() throws Exception {
        pickup(1000);
        Files.writeString(dir.resolve("claimed").resolve(Pickup.claimName("m1.eml")),
                "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        assertEquals(1, pickup(1000).scan(queue, router));
        assertEquals(1, queue.envelopes.size());
        assertEquals(List.of(), names(dir.resolve("claimed")));
    }

    /**
     * The foreign system's next file has the name, size and times of one taken before, on the
     * same inode (a file system hands a freed inode out again; a hard link keeps it here): it
     * is a new message and is queued, not taken for the old one and deleted unread.
     */
    @Test
    void aNewFileThatLooksLikeOneTakenBeforeIsQueuedNotDeleted() throws Exception {
        Path f = put("m.eml", "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: one\n\nline\n");
        Path keep = dir.getParent().resolve(dir.getFileName() + "-inode");
        try {
            Files.createLink(keep, f);
            java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(f);
            Pickup p = pickup(1000);
            assertEquals(1, p.scan(queue, router));

            Files.writeString(keep, "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: two\n\nline\n");
            Files.setLastModifiedTime(keep, time);
            Files.createLink(dir.resolve("m.eml"), keep);
            Files.delete(keep);
            assertEquals(1, p.scan(queue, router), "the new file is queued");
            assertEquals(2, queue.envelopes.size());
            assertTrue(queue.contents.get(1).contains("Subject: two"), queue.contents.toString());
            assertEquals(List.of("bad", "claimed"), names(dir));
        } finally {
            Files.deleteIfExists(keep);
        }
    }

    @Test
    void claimsStopWhileTheClaimedFolderIsFull() throws Exception {
        Pickup p = pickup(1000);
        verdict = Verdict.defer("4.3.0", "directory unavailable");
        for (int i = 0; i < Pickup.FILES_PER_SCAN + 5; i++) {
            put("m" + i + ".eml", "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        }
        p.scan(queue, router);
        assertEquals(Pickup.FILES_PER_SCAN, names(dir.resolve("claimed")).size());
        p.scan(queue, router);
        assertEquals(Pickup.FILES_PER_SCAN, names(dir.resolve("claimed")).size(), "no more while they wait");
        assertEquals(5 + 2, names(dir).size(), "the others wait where they were put");
    }

    @Test
    void withoutAQueueNothingIsTouched() throws Exception {
        put("m1.eml", "x-sender: app@example.org\nx-receiver: bob@example.org\nSubject: hi\n\nline\n");
        Pickup p = new Pickup("files", dir, new Pickup.Limits(1000, 10, false));
        assertEquals(0, p.scan(null, router));
        assertEquals(List.of("bad", "claimed", "m1.eml"), names(dir));
        assertTrue(p.waiting().isEmpty(), "taken as soon as the queue is back");
    }
}
