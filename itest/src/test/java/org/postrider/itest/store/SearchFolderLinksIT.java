package org.postrider.itest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * A search folder as mairix or notmuch makes it (symbolic links to the messages of other
 * folders), and a FIFO named as Postrider's own message: neither is served, and neither stops
 * the user's mail. A delivery to a user with a quota is accepted (the usage counts such a name
 * as 0 octets); a FETCH of their bodies is answered NO, and the session goes on.
 */
class SearchFolderLinksIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    @Test
    void aSearchFolderOfLinksDefersNoDeliveryAndAFetchOfOneIsAnsweredNo() throws Exception {
        Instance athena = INSTANCES.create("athena");
        athena.start();
        athena.admin("dir:user-add", "lia@example.org", "lia-pw").ok();
        athena.admin("dir:quota-set", "lia@example.org", "104857600", "10000").ok();
        int imaps = athena.listenerPort("imaps");
        String login = """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                def ok(r):
                    assert r[0] == 'OK', r
                    return r[1]
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('lia@example.org', 'lia-pw')
                """;
        Python.run(athena.home(), login + "ok(m.select('INBOX'))\nm.logout()\n", String.valueOf(imaps)).ok();

        Path maildir = athena.inbox("lia", "example.org");
        Path kept = maildir.resolve("cur/1700000000.M1P1.othertool:2,S");
        Files.writeString(kept, "Subject: kept\r\n\r\nbody\r\n");
        Path search = maildir.resolve(".Search");
        for (String d : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(search.resolve(d));
        }
        Files.createSymbolicLink(search.resolve("cur/1700000000.M1P1.mairix:2,S"), kept);
        Path fifo = search.resolve("cur/1700000001.M1Q0123456789abcdefU2.athena,S=40:2,S");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");

        Path eml = athena.home().resolve("new.eml");
        Files.writeString(eml, "From: carol@example.net\r\nSubject: new\r\n\r\nbody\r\n");
        athena.submit(eml, "carol@example.net", "lia@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(30)); // delivered, not deferred by the quota check

        String out = Python.run(athena.home(), login + """
                print('inbox', ok(m.select('INBOX'))[0])
                print('search', ok(m.select('Search'))[0])
                print('flags', m.fetch('1:2', '(FLAGS)')[0])
                print('link', m.fetch('1', '(BODY.PEEK[])')[0])
                print('fifo', m.fetch('2', '(BODY.PEEK[])')[0])
                print('noop', m.noop()[0])
                m.logout()
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("inbox b'2'"), out);
        assertTrue(out.contains("search b'2'"), out);
        assertTrue(out.contains("flags OK"), out);
        assertTrue(out.contains("link NO"), out);
        assertTrue(out.contains("fifo NO"), out);
        assertTrue(out.contains("noop OK"), out);
    }
}
