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
 * the files' access times show (as Pop3LargeMailboxIT does for POP3); nor for files whose
 * names say only their length on disk, whose sizes are counted when first fetched, once.
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

    @Test
    void filesNamedWithTheirLengthAloneAreReadForTheirSizesOnlyWhenFetchedAndOnce() throws Exception {
        int messages = 10_000;
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "mig@example.org", "mig-pw").ok();
        // as a migration or the benchmark leaves them: ",S=" the length on disk, no ",W="
        UntouchedMaildir inbox = UntouchedMaildir.fill(athena.inbox("mig", "example.org"), messages,
                i -> i % 2 == 0 ? "S" : "", false);
        String script = """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('mig@example.org', 'mig-pw')
                typ, data = m.select('INBOX')
                print('exists', data[0].decode())
                typ, data = m.getquotaroot('INBOX')  # as Thunderbird asks after SELECT
                print('quotaroot', typ, data[0][0].decode())
                typ, data = m.uid('FETCH', '1:*', sys.argv[2])
                lines = [d for d in data if d]
                print('fetched', len(lines))
                print('seen', sum(1 for d in lines if b'\\\\Seen' in d))
                print('size100', sum(1 for d in lines if b'RFC822.SIZE 100' in d))
                m.logout()
                """;
        String port = String.valueOf(athena.listenerPort("imaps"));
        String out = Python.run(athena.home(), script, port, "(FLAGS)").ok().out();
        assertEquals(answer(messages, messages / 2, 0), out);
        boolean counted = inbox.readsAreRecorded();
        if (counted) {
            assertEquals(0, inbox.filesRead(),
                    "message files opened to answer the first SELECT, GETQUOTAROOT (no limit) and FETCH FLAGS");
        }
        out = Python.run(athena.home(), script, port, "(RFC822.SIZE)").ok().out();
        assertEquals(answer(messages, 0, messages), out);
        if (counted) {
            assertEquals(messages, inbox.filesRead(), "each file read for its size");
            inbox.forget();
        }
        out = Python.run(athena.home(), script, port, "(RFC822.SIZE)").ok().out();
        assertEquals(answer(messages, 0, messages), out);
        assumeTrue(counted, "this file system does not record reads (noatime); counts checked only");
        assertEquals(0, inbox.filesRead(), "the sizes were recorded: no file read again");
    }

    /** What the script prints: EXISTS, the quota roots (none), FETCH lines, those seen, those of RFC822.SIZE 100. */
    private static String answer(int messages, int seen, int size100) {
        return "exists " + messages + "\nquotaroot OK INBOX\nfetched " + messages + "\nseen " + seen
                + "\nsize100 " + size100 + "\n";
    }
}
