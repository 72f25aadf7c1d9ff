package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/** The mail core through the distribution: admin submission, routing, the Maildir store, restarts. */
class MailCoreIT {
    @RegisterExtension
    final Instances instances = new Instances();

    static final String MESSAGE = "From: Carol <carol@example.net>\r\nTo: alice@example.org\r\n"
            + "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <core-1@example.net>\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Hallo Alice, schöne Grüße!\r\n.\r\n..dots stay as they are\r\nlast line\r\n";

    private Instance athena() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        athena.admin("dir:user-add", "bob@example.org", "bob-pw").ok();
        return athena;
    }

    private static Path write(Instance i, String name, String content) throws Exception {
        Path p = i.home().resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    @Test
    void submittedMessageLandsByteIdenticalWithUidOneStableAcrossRestart() throws Exception {
        Instance athena = athena();
        Path eml = write(athena, "m1.eml", MESSAGE);
        String out = athena.admin("queue:submit", eml.toString(), "carol@example.net", "alice@example.org").ok().out();
        Matcher id = Pattern.compile("queued as (\\w+)").matcher(out);
        assertTrue(id.find(), out);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));

        List<Path> files = athena.messages(athena.inbox("alice", "example.org"));
        assertEquals(1, files.size(), files.toString());
        String stored = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertTrue(stored.endsWith(MESSAGE), "original bytes must follow the trace fields unchanged:\n" + stored);
        String trace = stored.substring(0, stored.length() - MESSAGE.length());
        assertTrue(trace.startsWith("Return-Path: <carol@example.net>\r\nDelivered-To: alice@example.org\r\n"
                + "Received: by athena (Postrider) with local id " + id.group(1)), trace);
        assertTrue(trace.matches("(?s)Return-Path: [^\r\n]*\r\nDelivered-To: [^\r\n]*\r\nReceived: [^\r\n]*"
                + "(\r\n\t[^\r\n]*)*\r\n"), "nothing but the three trace fields is added:\n" + trace);

        String info = athena.admin("store:info", "alice@example.org").ok().out();
        assertTrue(info.contains("uidnext:       2"), info);
        String list = athena.admin("store:list", "alice@example.org").ok().out();
        assertTrue(list.trim().startsWith("1 "), list);
        String validity = line(info, "uidvalidity:");

        athena.stop();
        athena.start();
        String after = athena.admin("store:info", "alice@example.org").ok().out();
        assertEquals(validity, line(after, "uidvalidity:"), "UIDVALIDITY must survive a restart");
        assertTrue(athena.admin("store:list", "alice@example.org").ok().out().trim().startsWith("1 "));
    }

    private static String line(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key)).findFirst().orElseThrow();
    }

    @Test
    void aliasesAndListsFanOutAndUnknownRecipientsAreRefused() throws Exception {
        Instance athena = athena();
        athena.admin("dir:user-add", "carol@example.org", "carol-pw").ok();
        athena.admin("dir:alias-add", "info@example.org", "alice@example.org").ok();
        athena.admin("dir:list-add", "staff@example.org", "info@example.org", "bob@example.org", "carol@example.org")
                .ok();
        Path eml = write(athena, "m.eml", MESSAGE.replace("core-1", "fanout"));
        athena.admin("queue:submit", eml.toString(), "dave@example.net", "staff@example.org").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        for (String user : List.of("alice", "bob", "carol")) {
            assertEquals(1, athena.messages(athena.inbox(user, "example.org")).size(), user);
        }

        Exec.Result unknown = athena.admin("queue:submit", eml.toString(), "dave@example.net", "nobody@example.org");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("550 5.1.1"), unknown.err());
        assertTrue(athena.admin("queue:list").ok().out().contains("0 messages"));
    }

    @Test
    void aMaildirChangedByAnotherToolGetsNewUidsAndNoReuse() throws Exception {
        Instance athena = athena();
        Path eml = write(athena, "m.eml", MESSAGE);
        for (int i = 0; i < 3; i++) {
            athena.admin("queue:submit", eml.toString(), "carol@example.net", "alice@example.org").ok();
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        Path inbox = athena.inbox("alice", "example.org");
        List<Path> files = athena.messages(inbox);
        assertEquals(3, files.size());
        Path third = files.stream().filter(p -> p.getFileName().toString().contains("U3.")).findFirst().orElseThrow();
        Files.delete(third); // another tool expunges UID 3
        Files.writeString(inbox.resolve("new/1790000000.M1P99.mutt"), "Subject: from mutt\r\n\r\nhi\r\n");

        String list = athena.admin("store:list", "alice@example.org").ok().out();
        List<Long> uids = list.lines().map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> Long.parseLong(l.split("\\s+")[0])).toList();
        assertEquals(List.of(1L, 2L, 4L), uids, list);

        athena.admin("queue:submit", eml.toString(), "carol@example.net", "alice@example.org").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertTrue(athena.admin("store:list", "alice@example.org").ok().out().lines()
                .anyMatch(l -> l.trim().startsWith("5 ")), "the next delivery gets UID 5, not 3");

        // A rebuild from the Maildir alone keeps the UIDs of our messages (they are in the
        // file names) and gives the foreign file a new one; no UID is ever reused.
        athena.admin("store:reindex", "alice@example.org").ok();
        String rebuilt = athena.admin("store:list", "alice@example.org").ok().out();
        List<Long> after = rebuilt.lines().map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> Long.parseLong(l.split("\\s+")[0])).toList();
        assertEquals(List.of(1L, 2L, 5L, 6L), after, rebuilt);
        assertTrue(athena.admin("store:info", "alice@example.org").ok().out().contains("uidnext:       7"));
    }

    @Test
    void aFullMailboxDefersAndAMessageLargerThanTheQuotaBounces() throws Exception {
        Instance athena = athena();
        athena.admin("dir:quota-set", "alice@example.org", "2000", "2").ok();
        Path eml = write(athena, "m.eml", MESSAGE);
        // one after another: the quota is checked per delivery, and three at once all pass it (a race
        // in the store, reported; the admin client's JVM start used to space them out)
        athena.submitAndDeliver(eml, "bob@example.org", "alice@example.org");
        athena.submitAndDeliver(eml, "bob@example.org", "alice@example.org");
        athena.admin("queue:submit", eml.toString(), "bob@example.org", "alice@example.org").ok();
        String queued = Await.until("the third message to be deferred", Duration.ofSeconds(20),
                () -> athena.admin("queue:list").ok().out(), o -> o.contains("4.2.2"));
        assertTrue(queued.contains("1 messages") && queued.contains("is full"), queued);
        assertEquals(2, athena.messages(athena.inbox("alice", "example.org")).size());

        Path big = write(athena, "big.eml", MESSAGE + "x".repeat(3000) + "\r\n");
        athena.admin("queue:submit", big.toString(), "bob@example.org", "alice@example.org").ok();
        Await.until("a failure notice to bob", Duration.ofSeconds(20),
                () -> athena.messages(athena.inbox("bob", "example.org")).size(), n -> n == 1);
        String dsn = Files.readString(athena.messages(athena.inbox("bob", "example.org")).get(0));
        assertTrue(dsn.contains("Status: 5.2.2"), dsn);
    }

    @Test
    void passwordsAreStoredOnlyAsSaltedHashes() throws Exception {
        Instance athena = athena();
        String dir = Files.readString(athena.home().resolve("data/directory/directory.txt"));
        assertFalse(dir.contains("alice-pw") || dir.contains("bob-pw"), dir);
        assertTrue(dir.contains("hash=scram-sha-256$65536$"), dir);
        String secret = Files.readString(athena.home().resolve("data/directory/postmaster.password")).trim();
        assertFalse(dir.contains(secret));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(athena.home().resolve("data/directory/postmaster.password"))));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(athena.home().resolve("data/directory/scram.secret"))));
    }
}
