package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * CONDSTORE through the distribution: a client that knows a MODSEQ asks what changed since
 * (another session's flag changes) and gets exactly those; a conditional STORE against a
 * message another session changed fails with MODIFIED; two sessions see each other's changes.
 */
class ImapCondstoreIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
        athena.admin("dir:user-add", "cora@example.org", "cora-pw").ok();
        for (int i = 1; i <= 5; i++) {
            Path p = athena.home().resolve("m" + i + ".eml");
            Files.writeString(p, "From: carol@example.net\r\nSubject: m" + i + "\r\n\r\nbody " + i + "\r\n");
            // in order: UIDs follow the names (the queue delivers several at once)
            athena.submitAndDeliver(p, "carol@example.net", "cora@example.org");
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
    }

    @Test
    void aResyncAfterAnotherSessionsChangesReturnsExactlyThem() throws Exception {
        String out = Python.run(athena.home(), """
                import imaplib, ssl, sys, re
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                def session():
                    m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                    m.login('cora@example.org', 'cora-pw')
                    return m
                a = session(); b = session()
                a.select('INBOX'); b.select('INBOX')
                known = int(b.response('HIGHESTMODSEQ')[1][0])
                a.uid('STORE', '2,4', '+FLAGS', '(\\\\Flagged)')
                a.uid('STORE', '5', '+FLAGS', '($Todo)')
                typ, data = b.uid('FETCH', '1:*', '(FLAGS) (CHANGEDSINCE %d)' % known)
                print('changed', sorted(int(re.search(rb'UID (\\d+)', d).group(1)) for d in data if d))
                typ, data = b.uid('STORE', '2', '(UNCHANGEDSINCE %d)' % known, '+FLAGS', '(\\\\Seen)')
                print('conditional', typ, data, b.response('MODIFIED'))
                typ, data = b.noop()
                print('noop', b.response('FETCH'))
                a.uid('STORE', '3', '+FLAGS', '(\\\\Answered)')
                a.uid('STORE', '4', '-FLAGS', '(\\\\Flagged)')
                typ, data = b.noop()
                print('noop after', b.response('FETCH'))
                typ, data = b.noop()
                print('noop again', b.response('FETCH'))
                a.logout(); b.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        assertTrue(out.contains("changed [2, 4, 5]"), "exactly the changes since the MODSEQ: " + out);
        assertTrue(out.contains("[MODIFIED 2]") || out.contains("('MODIFIED', [b'2'])"),
                "a conditional STORE on a message changed since fails: " + out);
        assertTrue(out.contains("noop ('FETCH', [None])"), "b was told every change already: " + out);
        Matcher after = Pattern.compile("noop after \\('FETCH', \\[b'3 \\(UID 3 FLAGS \\(\\\\\\\\Answered\\) "
                + "MODSEQ \\((\\d+)\\)\\)', b'4 \\(UID 4 FLAGS \\(\\) MODSEQ \\((\\d+)\\)\\)'\\]\\)").matcher(out);
        assertTrue(after.find(), "another session's flag changes told at the next NOOP, with MODSEQ (CONDSTORE is on): "
                + out);
        assertTrue(Long.parseLong(after.group(1)) < Long.parseLong(after.group(2)), out);
        assertTrue(out.contains("noop again ('FETCH', [None])"), "told once: " + out);
    }
}
