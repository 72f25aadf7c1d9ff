package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/** IMAP through the distribution with Python's imaplib, over STARTTLS and implicit TLS. */
class ImapIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int imap;
    static int imaps;

    static final String PREAMBLE = """
            import imaplib, ssl, sys, email
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            def starttls(port):
                m = imaplib.IMAP4('127.0.0.1', port); m.starttls(ssl_context=ctx); return m
            def tls(port):
                return imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
            def ok(r):
                assert r[0] == 'OK', r
                return r[1]
            """;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "authFailureDelay", "200ms"));
        athena.start();
        imap = athena.listenerPort("imap");
        imaps = athena.listenerPort("imaps");
    }

    private static void deliver(String local, String name, String body) throws Exception {
        Path p = athena.home().resolve(name + ".eml");
        Files.writeString(p, "From: Carol <carol@example.net>\r\nTo: " + local + "@example.org\r\nSubject: " + name
                + "\r\nDate: Wed, 4 Mar 2026 09:00:00 +0000\r\nMessage-ID: <" + name + "@example.net>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body);
        athena.submit(p, "carol@example.net", local + "@example.org");
    }

    @Test
    void imaplibReadsSearchesFlagsAndExpungesOverStarttlsAndImaps() throws Exception {
        athena.admin("dir:user-add", "ivy@example.org", "ivy-pw").ok();
        deliver("ivy", "first", "hello world\r\n");
        deliver("ivy", "second", "the quick brown fox\r\n");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        String out = Python.run(athena.home(), PREAMBLE + """
                plain = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                caps = plain.capabilities
                assert 'LOGINDISABLED' in caps and 'STARTTLS' in caps, caps
                try:
                    plain.login('ivy@example.org', 'ivy-pw'); raise SystemExit('plaintext login accepted')
                except imaplib.IMAP4.error as e:
                    print('plain refused')
                m = starttls(int(sys.argv[1]))
                ok(m.login('ivy@example.org', 'ivy-pw'))
                names = ok(m.list())
                print('list', b' | '.join(names).decode())
                typ, data = m.select('INBOX')
                assert typ == 'OK' and data[0] == b'2', data
                print('uidvalidity', m.response('UIDVALIDITY'))
                r = ok(m.fetch('1:2', '(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)'))
                print('fetch', r)
                r = ok(m.fetch('2', '(BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (Subject)])'))
                print('sections', r)
                r = ok(m.fetch('1', '(BODY.PEEK[]<0.4>)'))
                print('partial', r)
                print('search', ok(m.search(None, 'BODY', 'quick')), ok(m.uid('SEARCH', None, 'SUBJECT', 'first')))
                print('unseen', ok(m.search(None, 'UNSEEN')))
                print('store', ok(m.store('1', '+FLAGS', '(\\\\Flagged $Work)')))
                r = ok(m.fetch('1', '(BODY[TEXT])'))
                print('seen', ok(m.fetch('1', '(FLAGS)')))
                print('logout', m.logout())

                m = tls(int(sys.argv[2]))
                ok(m.login('ivy@example.org', 'ivy-pw'))
                ok(m.select('INBOX'))
                print('again', ok(m.fetch('1:*', '(FLAGS)')))
                print('append', m.append('INBOX', '(\\\\Seen)', None, b'Subject: appended\\r\\n\\r\\nby imaplib\\r\\n'))
                print('exists', ok(m.noop()), m.response('EXISTS'))
                ok(m.store('2', '+FLAGS', '(\\\\Deleted)'))
                print('expunge', ok(m.expunge()))
                print('after', ok(m.uid('FETCH', '1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (Subject)])')))
                ok(m.close())
                print('logout', m.logout())
                """, String.valueOf(imap), String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("plain refused"), out);
        assertTrue(out.contains("list") && out.contains("\"INBOX\"") || out.contains(" INBOX"), out);
        assertTrue(out.contains("\\Sent") && out.contains("\\Trash"), "special-use folders listed: " + out);
        assertTrue(out.contains("ENVELOPE (\"Wed, 4 Mar 2026 09:00:00 +0000\" \"first\""), out);
        assertTrue(out.contains("BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\")"), out);
        assertTrue(out.contains("store [b'1 (FLAGS (\\\\Flagged $Work \\\\Recent) MODSEQ ("), "one answer per STORE: " + out);
        assertTrue(!out.contains("(UID 1 FLAGS (\\\\Flagged $Work"), "not told twice: " + out);
        assertTrue(out.contains("logout ('BYE'"), out);
        assertTrue(out.contains("the quick brown fox"), "BODY[TEXT]: " + out);
        assertTrue(out.contains("Subject: second"), "HEADER.FIELDS: " + out);
        assertTrue(out.contains("BODY[]<0> {4}', b'Retu'"), "partial: " + out);
        assertTrue(out.contains("search [b'2'] [b'1']"), out);
        assertTrue(out.contains("unseen [b'1 2']"), out);
        assertTrue(out.contains("\\Seen") && out.contains("$Work"), "STORE and a non-PEEK fetch set flags: " + out);
        assertTrue(out.contains("again [b'1 (FLAGS (\\\\Seen \\\\Flagged $Work))'")
                || out.contains("again [b'1 (FLAGS (\\\\Flagged \\\\Seen $Work))'"), "flags persist: " + out);
        assertTrue(out.contains("APPENDUID"), out);
        assertTrue(out.contains("('EXISTS', [b'2', b'3'])"), "the append is told as EXISTS: " + out);
        assertTrue(out.contains("expunge [b'2']"), out);
        String after = out.substring(out.indexOf("after"));
        assertTrue(after.contains("Subject: first") && after.contains("UID 3 FLAGS (\\\\Seen)")
                && after.contains("Subject: appended") && !after.contains("Subject: second"), after);
    }

    @Test
    void idleSeesAMessageDeliveredBySmtpAtOnce() throws Exception {
        athena.admin("dir:user-add", "ida@example.org", "ida-pw").ok();
        String out = Python.run(athena.home(), PREAMBLE + """
                import smtplib, time
                m = tls(int(sys.argv[1]))
                ok(m.login('ida@example.org', 'ida-pw'))
                typ, data = m.select('INBOX')
                assert data[0] == b'0', data
                tag = m._new_tag()
                m.send(tag + b' IDLE\\r\\n')
                print('idle', m.readline().decode().strip())
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[2]))
                s.sendmail('carol@example.net', ['ida@example.org'], b'Subject: ping\\r\\n\\r\\nhello\\r\\n')
                accepted = time.monotonic()
                s.quit()
                line = m.readline().decode().strip()
                waited = time.monotonic() - accepted
                print('untagged', line)
                print('waited %.3f' % waited)
                m.send(b'DONE\\r\\n')
                print('done', m.readline().decode().strip())
                print('fetch', ok(m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (Subject)])')))
                m.logout()
                """, String.valueOf(imaps), String.valueOf(athena.listenerPort("smtp"))).ok().out();
        System.out.println(out);
        assertTrue(out.contains("idle + idling"), out);
        assertTrue(out.contains("untagged * 1 EXISTS"), "the delivery is told while idling: " + out);
        double waited = Double.parseDouble(out.replaceAll("(?s).*waited ([0-9.]+).*", "$1"));
        assertTrue(waited < 1.0, "within a second of the 250 (issue 12): " + waited);
        assertTrue(out.contains("OK IDLE terminated"), out);
        assertTrue(out.contains("Subject: ping"), out);
    }
}
