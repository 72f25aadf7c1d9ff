package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * A 100,000-message Maildir (written by "another tool", sizes in the names): IMAP SELECT and
 * UID FETCH 1:* (FLAGS) answer from the index without opening a single message file, which
 * the files' access times show (as Pop3LargeMailboxIT does for POP3).
 */
class ImapLargeMailboxIT {
    private static final int MESSAGES = 100_000;
    private static final FileTime OLD = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void selectAndFetchFlagsOfAHundredThousandMessagesReadNoMessageFile() throws Exception {
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
            // named as Dovecot names them (",W=" the CRLF size), every third one seen, every fifth flagged
            String flags = (i % 3 == 0 ? "" : "S") + (i % 5 == 0 ? "F" : "");
            flags = flags.equals("SF") ? "FS" : flags;
            Path f = inbox.resolve("cur/1700000000.M" + i + "P1.othertool,S=100,W=100:2," + flags);
            Files.write(f, body);
            Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(null, OLD, null);
        }
        // Does reading a file move its access time here (not mounted noatime)? Then the check is sound.
        Path probe = inbox.resolve("cur/1700000000.M1P1.othertool,S=100,W=100:2,S");
        Files.readAllBytes(probe);
        boolean atimeWorks = !Files.readAttributes(probe, BasicFileAttributes.class).lastAccessTime().equals(OLD);
        Files.getFileAttributeView(probe, BasicFileAttributeView.class).setTimes(null, OLD, null);

        String out = Python.run(athena.home(), """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                for attempt in range(2):  # the first SELECT indexes the folder, the second reads the index
                    m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                    m.login('big@example.org', 'big-pw')
                    typ, data = m.select('INBOX')
                    print('exists', data[0].decode())
                    typ, data = m.uid('FETCH', '1:*', '(FLAGS)')
                    lines = [d for d in data if d]
                    print('fetched', len(lines))
                    print('seen', sum(1 for d in lines if b'\\\\Seen' in d))
                    print('flagged', sum(1 for d in lines if b'\\\\Flagged' in d))
                    print('uids', len(set(d.split(b'UID ')[1].split(b' ')[0] for d in lines)))
                    m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        int seen = MESSAGES - (MESSAGES + 2) / 3;
        assertEquals(2, out.split("exists " + MESSAGES + "\n", -1).length - 1, out);
        assertEquals(2, out.split("fetched " + MESSAGES + "\n", -1).length - 1, out);
        assertEquals(2, out.split("seen " + seen + "\n", -1).length - 1, out);
        assertEquals(2, out.split("flagged " + MESSAGES / 5 + "\n", -1).length - 1, out);
        assertEquals(2, out.split("uids " + MESSAGES + "\n", -1).length - 1, "every UID unique: " + out);

        assumeTrue(atimeWorks, "this file system does not record reads (noatime); counts checked only");
        int read = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox.resolve("cur"))) {
            for (Path f : files) {
                if (!Files.readAttributes(f, BasicFileAttributes.class).lastAccessTime().equals(OLD)) {
                    read++;
                }
            }
        }
        assertEquals(0, read, "message files opened to answer SELECT and UID FETCH 1:* (FLAGS)");
    }
}
