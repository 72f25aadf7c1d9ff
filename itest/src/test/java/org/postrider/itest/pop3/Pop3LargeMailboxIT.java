package org.postrider.itest.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.UntouchedMaildir;

/**
 * A 100,000-message Maildir (written by "another tool", sizes in the names): POP3 STAT,
 * LIST and UIDL answer from the index without opening a single message file, which the
 * files' access times show.
 */
class Pop3LargeMailboxIT {
    private static final int MESSAGES = 100_000;

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void statListAndUidlOfAHundredThousandMessagesReadNoMessageFile() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "big@example.org", "big-pw").ok();
        UntouchedMaildir inbox = UntouchedMaildir.fill(athena.inbox("big", "example.org"), MESSAGES, i -> "S");

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
        assertTrue(out.contains("stat " + MESSAGES + " " + ((long) MESSAGES * UntouchedMaildir.MESSAGE_SIZE)), out);
        assertTrue(out.contains("list " + MESSAGES), out);
        assertTrue(out.contains("uidl " + MESSAGES), "every UIDL unique: " + out);

        assumeTrue(inbox.readsAreRecorded(), "this file system does not record reads (noatime); counts checked only");
        assertEquals(0, inbox.filesRead(), "message files opened to answer STAT/LIST/UIDL");
    }
}
