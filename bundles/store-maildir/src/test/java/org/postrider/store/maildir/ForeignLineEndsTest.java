package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.UidSet;

/**
 * Maildir files other tools wrote with bare LF line ends are served in their CRLF view, as
 * IMAP and POP3 need it: the size, every byte range, the structure's offsets, sizes and
 * lines are the CRLF view's, counted when the file is first indexed, and stay so through a
 * copy, a move, a rebuild of the index and a restart; files as the store writes them are
 * served as they are.
 */
class ForeignLineEndsTest {
    private static final String USER = "alice@example.org";
    /** An LF-only message, with one CRLF line and a bare CR among them as other tools leave them. */
    static final String LF = "From: Bob <bob@example.net>\n"
            + "Subject: from procmail\n"
            + "MIME-Version: 1.0\n"
            + "Content-Type: multipart/mixed; boundary=b\n"
            + "\n"
            + "preamble\n"
            + "--b\n"
            + "Content-Type: text/plain\n"
            + "\n"
            + "line one\n"
            + "line two\r\n"
            + "a bare \r in it\n"
            + "--b\n"
            + "Content-Type: application/octet-stream\n"
            + "Content-Transfer-Encoding: base64\n"
            + "\n"
            + "aGVsbG8gd29ybGQ=\n"
            + "--b--\n";

    @TempDir
    Path root;
    MaildirStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.deactivate();
        }
    }

    static byte[] crlf(String lf) {
        return CrlfViewFuzzTest.reference(lf.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] read(MessageContent c, long offset, long length) throws Exception {
        try (InputStream in = length < 0 && offset == 0 ? c.open() : c.open(offset, length)) {
            return in.readAllBytes();
        }
    }

    private Path dropIntoNew(String name, String text) throws Exception {
        store.folders(USER); // makes the mailbox
        Path f = store.userDir(USER).resolve("new").resolve(name);
        Files.writeString(f, text, StandardCharsets.US_ASCII);
        return f;
    }

    /** The message's size, bytes, windows and structure are those of its CRLF view. */
    private void assertServedAsCrlf(FolderRef ref, long uid, byte[] want) throws Exception {
        List<MessageMeta> metas = store.messages(ref, UidSet.of(uid));
        assertEquals(want.length, metas.get(0).size(), "RFC822.SIZE / POP3 LIST: the CRLF size");
        MessageContent c = store.content(ref, uid);
        assertEquals(want.length, c.size());
        assertArrayEquals(want, read(c, 0, -1), "the whole message in CRLF");
        for (int off = 0; off <= want.length + 1; off += 3) { // windows starting inside an added CRLF too
            for (int len : new int[] {0, 1, 2, 5, 40, 10_000}) {
                int from = Math.min(off, want.length);
                assertArrayEquals(Arrays.copyOfRange(want, from, Math.min(from + len, want.length)), read(c, off, len),
                        "window " + off + "+" + len);
            }
        }
        MessageStructure s = store.structure(ref, uid);
        assertEquals(want.length, s.body().endOffset());
        String text = new String(want, StandardCharsets.US_ASCII);
        BodyPart plain = s.body().parts().get(0);
        String plainBody = "line one\r\nline two\r\na bare \r in it";
        assertEquals(plainBody, new String(read(c, plain.bodyOffset(), plain.size()), StandardCharsets.US_ASCII),
                "BODY[1] by the structure's offsets");
        assertEquals(plainBody.length(), plain.size(), "BODYSTRUCTURE size in CRLF");
        assertEquals(3, plain.lines());
        BodyPart b64 = s.body().parts().get(1);
        assertEquals("aGVsbG8gd29ybGQ=", text.substring((int) b64.bodyOffset(), (int) b64.endOffset()));
        assertEquals(text.indexOf("\r\n\r\n") + 4, s.body().bodyOffset(), "BODY[TEXT] starts after the CRLF CRLF");
        assertTrue(store.search(ref, new SearchKey.Body("line two"), null).contains(uid), "SEARCH BODY reads the view");
    }

    @Test
    void anLfOnlyFileIsServedInItsCrlfViewThroughCopyMoveRebuildAndRestart() throws Exception {
        store = new MaildirStore(root, "athena", 100);
        dropIntoNew("1700000000.procmail123.host", LF);
        // A name with the physical size, as Dovecot and others write it: still counted again.
        Path other = dropIntoNew("1700000001.M1P2.other,S=" + LF.length(), LF);
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        byte[] want = crlf(LF);
        assertTrue(want.length > LF.length());
        assertEquals(UidSet.range(1, 2), store.uids(inbox));
        assertServedAsCrlf(inbox, 1, want);
        assertServedAsCrlf(inbox, 2, want);
        assertEquals(Files.size(other), LF.length(), "the file itself is left as the tool wrote it");

        long copied = store.copy(inbox, UidSet.of(1), "Archive").target().first();
        long moved = store.move(inbox, UidSet.of(2), "Archive").target().first();
        FolderRef archive = FolderRef.of(USER, "Archive");
        assertServedAsCrlf(archive, copied, want);
        assertServedAsCrlf(archive, moved, want);

        store.deactivate();
        Files.delete(store.userDir(USER).resolve(".Archive").resolve(IndexLog.FILE)); // a lost index
        store = new MaildirStore(root, "athena", 100);
        assertServedAsCrlf(inbox, 1, want);
        assertEquals(2, store.uids(archive).size());
        for (long uid : store.uids(archive)) {
            assertServedAsCrlf(archive, uid, want);
        }
        store.folder(USER, "INBOX").call(f -> { // store:reindex
            f.reindex();
            return null;
        });
        assertEquals(1, store.uids(inbox).size());
        assertServedAsCrlf(inbox, store.uids(inbox).first(), want); // another tool's file: a new UID (README)
    }

    /** Octets this thread has read through read(2) and pread(2) so far (Linux's rchar), or -1 where that is not known. */
    private static long readByThisThread() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/io"))) {
                if (line.startsWith("rchar:")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    @Test
    void aPartialReadOfABigLfOnlyFileStartsNearItsOffsetAndIsNotConvertedUnderTheFolderLock() throws Exception {
        assumeTrue(readByThisThread() >= 0, "needs /proc/thread-self/io");
        store = new MaildirStore(root, "athena", 100);
        StringBuilder lf = new StringBuilder("From: Bob <bob@example.net>\nSubject: big\n\n");
        while (lf.length() < 12 << 20) { // 12 MiB in lines of 16 octets
            lf.append(String.format("line %010d\n", lf.length()));
        }
        dropIntoNew("1700000000.big.host", lf.toString());
        byte[] want = crlf(lf.toString());
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        assertEquals(want.length, store.messages(inbox, UidSet.of(1)).get(0).size());
        MessageContent c = store.content(inbox, 1);
        long stride = CrlfCheckpoints.STRIDE;
        long slack = 3 * 64 * 1024; // read buffers

        long offset = want.length - 100_000;
        long before = readByThisThread();
        InputStream first = c.open(offset, 64); // the folder's lock is held while it opens
        assertTrue(readByThisThread() - before < slack, "no conversion while the folder's lock is held: "
                + (readByThisThread() - before));
        assertArrayEquals(Arrays.copyOfRange(want, (int) offset, (int) offset + 64), first.readAllBytes());
        first.close();

        for (long at : new long[] {offset + 7, want.length - 64, 5 * stride + 17, 11 * stride - 1, 1 << 20}) {
            before = readByThisThread();
            assertArrayEquals(Arrays.copyOfRange(want, (int) at, (int) at + 64), read(c, at, 64), "at " + at);
            long read = readByThisThread() - before;
            assertTrue(read <= stride + slack, "a partial read at " + at + " starts at the checkpoint before it,"
                    + " not at the file's start: " + read + " octets read");
        }

        // An expunge while a read is open: that read still gives the message's octets; a later open a clean error.
        long at = 7 * stride + 3;
        InputStream open = c.open(at, 64);
        store.expunge(inbox, UidSet.of(1));
        assertArrayEquals(Arrays.copyOfRange(want, (int) at, (int) at + 64), open.readAllBytes());
        open.close();
        assertThrows(IOException.class, () -> c.open(at, 64));
    }

    @Test
    void filesAsTheStoreWritesThemAreServedAsTheyAre() throws Exception {
        store = new MaildirStore(root, "athena", 100);
        byte[] crlf = crlf(LF);
        store.deliver(USER, "INBOX", MaildirFolderTest.text(new String(crlf, StandardCharsets.US_ASCII)), "q1");
        // An APPEND keeps the octets a client sent, bare LFs too (as before): its size is theirs.
        String lf = "Subject: x\n\nbody\n";
        long uid = store.append(FolderRef.of(USER, "INBOX"), MaildirFolderTest.text(lf), Set.of(), Set.of(),
                java.time.Instant.now()).uid();
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        assertServedAsCrlf(inbox, 1, crlf);
        assertEquals(lf.length(), store.content(inbox, uid).size());
        assertEquals(lf, new String(read(store.content(inbox, uid), 0, -1), StandardCharsets.US_ASCII));
    }
    /**
     * Indexing a foreign file reads it once to count its bare LFs: with a buffer of its size,
     * not a 64 KiB buffer each (1,000 files of 1 KB allocated 64 MB to zero; 100,000 files,
     * 6 GB, the top of a first SELECT's profile). Sizes as counted before.
     */
    @Test
    void indexingSmallForeignFilesReadsEachWithABufferOfItsSize() throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        store = new MaildirStore(root, "athena", 100);
        int n = 1000;
        for (int i = 0; i < n; i++) {
            dropIntoNew((1700000000 + i) + ".M" + i + "P1.other", i % 2 == 0 ? LF : new String(crlf(LF),
                    StandardCharsets.US_ASCII));
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        assertEquals(n, store.summary(USER, "INBOX").messages()); // indexed on this thread
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 24L << 20, "indexing " + n + " files of " + LF.length() + " octets allocated "
                + (allocated >> 20) + " MiB");
        for (MessageMeta m : store.messages(FolderRef.of(USER, "INBOX"), UidSet.range(1, n))) {
            assertEquals(crlf(LF).length, m.size());
        }
    }
}
