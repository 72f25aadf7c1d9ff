package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.UntouchedMaildir;

/**
 * A 100,000-message Maildir (written by "another tool", sizes in the names): IMAP SELECT and
 * UID FETCH 1:* (FLAGS) answer from the index without opening a single message file, which
 * the files' access times show (as Pop3LargeMailboxIT does for POP3).
 */
class ImapLargeMailboxIT {
    private static final int MESSAGES = 100_000;

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void selectAndFetchFlagsOfAHundredThousandMessagesReadNoMessageFile() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "big@example.org", "big-pw").ok();
        // every third one seen, every fifth flagged
        UntouchedMaildir inbox = UntouchedMaildir.fill(athena.inbox("big", "example.org"), MESSAGES,
                i -> (i % 5 == 0 ? "F" : "") + (i % 3 == 0 ? "" : "S"));

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

        assumeTrue(inbox.readsAreRecorded(), "this file system does not record reads (noatime); counts checked only");
        assertEquals(0, inbox.filesRead(), "message files opened to answer SELECT and UID FETCH 1:* (FLAGS)");
    }
}
