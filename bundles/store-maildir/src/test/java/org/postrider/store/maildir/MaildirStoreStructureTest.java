package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.UidSet;

/**
 * Structure and search through the store: a message's structure is parsed once and then read
 * from the cache (also after a restart), a nested part's bytes come back exactly by offset,
 * and SEARCH answers index, header and body keys.
 */
class MaildirStoreStructureTest {
    private static final String USER = "alice@example.org";
    private static final String FORWARD = """
            From: Bob <bob@example.net>
            To: alice@example.org
            Subject: Fwd: Lunch
            Date: Wed, 4 Mar 2026 09:00:00 -0500
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: text/plain

            See below.
            --outer
            Content-Type: message/rfc822

            From: Carol <carol@example.net>
            Subject: Lunch
            Date: Tue, 3 Mar 2026 12:00:00 +0000
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=us-ascii

            Noon at the usual place?
            --inner
            Content-Type: text/html

            <p>Noon at the usual place?</p>
            --inner--
            --outer--
            """.replace("\n", "\r\n");

    @TempDir
    Path root;

    private static String read(MessageContent c, long offset, long length) throws Exception {
        try (InputStream in = c.open(offset, length)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aNestedPartComesBackExactlyAndTheStructureIsParsedOnce() throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        long uid = store.deliver(USER, "INBOX", ChangesSinceModelTest.text(FORWARD), "q1");
        FolderRef ref = FolderRef.of(USER, "INBOX");
        MessageStructure s = store.structure(ref, uid);
        assertEquals("multipart", s.body().type());
        assertEquals("Fwd: Lunch", s.envelope().subject());
        BodyPart forwarded = s.part(2);
        assertEquals("message", forwarded.type());
        assertEquals("Lunch", forwarded.envelope().subject());
        BodyPart inner = s.part(2, 1);
        assertEquals("plain", inner.subtype());
        MessageContent c = store.content(ref, uid);
        assertEquals("Noon at the usual place?", read(c, inner.bodyOffset(), inner.size()),
                "BODY[2.1] by its offsets");
        assertEquals("Noon", read(c, inner.bodyOffset(), 4), "BODY[2.1]<0.4>");
        assertEquals("<p>Noon at the usual place?</p>", read(c, s.part(2, 2).bodyOffset(), s.part(2, 2).size()));

        Path cache = FolderNames.userDir(root, USER).resolve(StructureCache.FILE);
        long cached = Files.size(cache);
        assertTrue(cached > 0, "parsed once and cached");
        assertEquals(s, store.structure(ref, uid), "the cached structure is the parsed one");
        store.deactivate();
        MaildirStore again = new MaildirStore(root, "athena", 1000);
        assertEquals(s, again.structure(ref, uid), "after a restart, from the cache");
        assertEquals(cached, Files.size(cache), "no second parse was written");
        again.changeFlags(ref, UidSet.of(uid), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        assertEquals("Noon", read(again.content(ref, uid), inner.bodyOffset(), 4), "after the rename of a flag change");
        again.expunge(ref, UidSet.of(uid));
        assertNull(again.structure(ref, uid), "expunged: no structure");
        again.deactivate();
    }

    @Test
    void searchAnswersIndexHeaderAndBodyKeys() throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        long fwd = store.deliver(USER, "INBOX", ChangesSinceModelTest.text(FORWARD), "q1");
        long plain = store.deliver(USER, "INBOX", ChangesSinceModelTest.text(
                "From: Dave <dave@example.com>\r\nSubject: =?UTF-8?Q?Caf=C3=A9?= plans\r\n"
                + "Date: Mon, 2 Mar 2026 08:00:00 +0000\r\n\r\nSee you at the caf\u00e9.\r\n"), "q2");
        FolderRef ref = FolderRef.of(USER, "INBOX");
        store.changeFlags(ref, UidSet.of(plain), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of("$Work"), -1);
        assertEquals(UidSet.of(fwd), store.search(ref, new SearchKey.Header("Subject", "lunch"), null));
        assertEquals(UidSet.of(plain), store.search(ref, new SearchKey.Header("Subject", "café"), null),
                "encoded words decoded");
        assertEquals(UidSet.of(fwd), store.search(ref, new SearchKey.Body("USUAL PLACE"), null), "inside the forward");
        assertEquals(UidSet.of(fwd, plain), store.search(ref, new SearchKey.Text("example"), null));
        assertEquals(UidSet.of(plain), store.search(ref, new SearchKey.HasFlag(Flag.FLAGGED, true), null));
        assertEquals(UidSet.of(plain), store.search(ref, new SearchKey.HasKeyword("$Work", true), null));
        assertEquals(UidSet.of(fwd), store.search(ref,
                new SearchKey.Sent(SearchKey.DateOp.ON, LocalDate.of(2026, 3, 4)), null), "the header's own day");
        assertEquals(UidSet.of(fwd), store.search(ref, new SearchKey.And(List.of(
                new SearchKey.Not(new SearchKey.HasFlag(Flag.FLAGGED, true)), new SearchKey.Body("noon"))), null));
        assertEquals(UidSet.of(plain), store.search(ref, new SearchKey.Or(new SearchKey.Larger(100_000),
                new SearchKey.Header("From", "dave")), null));
        assertEquals(UidSet.empty(), store.search(ref, new SearchKey.Body("noon"), UidSet.of(plain)), "within");
        store.deactivate();
    }
}
