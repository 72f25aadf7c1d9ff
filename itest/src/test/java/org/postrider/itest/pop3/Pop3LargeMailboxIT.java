package org.postrider.itest.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * A 100,000-message Maildir (written by "another tool", sizes in the names): POP3 STAT,
 * LIST and UIDL answer from the index without opening a single message file, which the
 * files' access times show.
 */
class Pop3LargeMailboxIT {
    private static final int MESSAGES = 100_000;
    private static final FileTime OLD = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void statListAndUidlOfAHundredThousandMessagesReadNoMessageFile() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "big@example.org", "big-pw").ok();
        Path inbox = athena.inbox("big", "example.org");
        for (String d : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(inbox.resolve(d));
        }
        byte[] body = ("Subject: filler\r\n\r\n" + "x".repeat(79) + "\r\n").getBytes();
        assertEquals(100, body.length);
        for (int i = 0; i < MESSAGES; i++) {
            // named as Dovecot names them: ",W=" is the CRLF size, so the store need not read the
            // file to know its size (a file without it is read once, when first indexed, to count
            // bare LFs: see ForeignLineEndsIT)
            Path f = inbox.resolve("cur/1700000000.M" + i + "P1.othertool,S=100,W=100:2,S");
            Files.write(f, body);
            Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(null, OLD, null);
        }
        // Does reading a file move its access time here (not mounted noatime)? Then the check is sound.
        Path probe = inbox.resolve("cur/1700000000.M0P1.othertool,S=100,W=100:2,S");
        Files.readAllBytes(probe);
        boolean atimeWorks = !Files.readAttributes(probe, java.nio.file.attribute.BasicFileAttributes.class)
                .lastAccessTime().equals(OLD);
        Files.getFileAttributeView(probe, BasicFileAttributeView.class).setTimes(null, OLD, null);

        String out = Python.run(athena.home(), """
                import poplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
                p.user('big@example.org'); p.pass_('big-pw')
                print('stat', *p.stat())
                print('list', len(p.list()[1]))
                print('uidl', len(set(l.split(b' ')[1] for l in p.uidl()[1])))
                p.quit()
                """, String.valueOf(athena.listenerPort("pop3s"))).ok().out();
        assertTrue(out.contains("stat " + MESSAGES + " " + (MESSAGES * 100L)), out);
        assertTrue(out.contains("list " + MESSAGES), out);
        assertTrue(out.contains("uidl " + MESSAGES), "every UIDL unique: " + out);

        assumeTrue(atimeWorks, "this file system does not record reads (noatime); counts checked only");
        int read = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox.resolve("cur"))) {
            for (Path f : files) {
                if (!Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime()
                        .equals(OLD)) {
                    read++;
                }
            }
        }
        assertEquals(0, read, "message files opened to answer STAT/LIST/UIDL");
    }
}
