package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        // in order: the tests read them so (the queue delivers several at once)
        athena.submitAndDeliver(p, "carol@example.net", local + "@example.org");
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
        // no MODSEQ: the session issued no CONDSTORE enabling command (RFC 7162 3.1)
        assertTrue(out.contains("store [b'1 (FLAGS (\\\\Flagged $Work \\\\Recent))']"), "one answer per STORE: " + out);
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

    @Test
    void copyMoveAndAuthenticateThroughImaplib() throws Exception {
        athena.admin("dir:user-add", "jay@example.org", "jay-pw").ok();
        deliver("jay", "one", "first of three\r\n");
        deliver("jay", "two", "second of three\r\n");
        deliver("jay", "three", "third of three\r\n");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        String out = Python.run(athena.home(), PREAMBLE + """
                import base64, re
                def raw(m, tag, line):
                    m.send((tag + ' ' + line + '\\r\\n').encode())
                    lines = []
                    while True:
                        l = m.readline().decode().rstrip('\\r\\n'); lines.append(l)
                        if l.startswith(tag + ' '):
                            return lines
                plain = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                assert not any(c.startswith('AUTH=') for c in plain.capabilities), plain.capabilities
                print('plain auth', plain._simple_command('AUTHENTICATE', 'PLAIN',
                        base64.b64encode(b'\\0jay@example.org\\0jay-pw').decode()))
                plain.logout()

                a = tls(int(sys.argv[2]))
                assert 'AUTH=PLAIN' in a.capabilities and 'SASL-IR' in a.capabilities, a.capabilities
                print('auth', a.authenticate('PLAIN', lambda c: b'\\0jay@example.org\\0jay-pw'))
                caps = ok(a.capability())[0].decode()
                assert 'AUTH=' not in caps and 'SASL-IR' not in caps and 'MOVE' in caps, caps
                typ, data = a.select('INBOX')
                assert typ == 'OK' and data[0] == b'3', data
                ok(a.store('1', '+FLAGS', '(\\\\Flagged)'))
                o = tls(int(sys.argv[2]))
                ok(o.login('jay@example.org', 'jay-pw'))
                ok(o.select('INBOX'))
                print('copy', a.copy('1:2', 'Archive'))
                print('trycreate', a.copy('1', 'NoSuchFolder'))
                print('move', raw(a, 'm1', 'MOVE 2 Archive'))
                print('uidmove', raw(a, 'm2', 'UID MOVE 1,3 Archive'))
                print('noop', raw(a, 'n1', 'NOOP'))
                print('other', raw(o, 'o1', 'NOOP'))
                o.logout()
                typ, data = a.select('INBOX')
                print('inbox', data)
                typ, data = a.select('Archive')
                print('archive', data)
                print('content', ok(a.fetch('1:*', '(UID FLAGS BODY.PEEK[HEADER.FIELDS (Subject)])')))
                ok(a.select('Archive', readonly=True))
                print('examine', raw(a, 'e1', 'MOVE 1 INBOX'))
                a.logout()

                b = tls(int(sys.argv[2]))
                print('ir wrong', b._simple_command('AUTHENTICATE', 'PLAIN',
                        base64.b64encode(b'\\0jay@example.org\\0wrong').decode()))
                print('ir', b._simple_command('AUTHENTICATE', 'PLAIN',
                        base64.b64encode(b'\\0jay@example.org\\0jay-pw').decode()))
                b.logout()
                c = tls(int(sys.argv[2]))
                try:
                    c.authenticate('PLAIN', lambda ch: None); print('cancel accepted')
                except imaplib.IMAP4.error as e:
                    print('cancelled', e)
                c.logout()

                # The client side of RFC 5802 from hashlib and hmac; imaplib carries the challenges.
                import hashlib, hmac, os
                b64 = lambda b: base64.b64encode(b).decode()
                def scram(user, password):
                    st = {'bare': 'n=%s,r=%s' % (user, b64(os.urandom(18)))}
                    def step(challenge):
                        if 'salted' not in st and not challenge:
                            return b'n,,' + st['bare'].encode()
                        if 'salted' not in st:
                            server_first = challenge.decode()
                            f = dict(kv.split('=', 1) for kv in server_first.split(','))
                            st['salted'] = hashlib.pbkdf2_hmac('sha256', password.encode(), base64.b64decode(f['s']),
                                    int(f['i']))
                            client_key = hmac.digest(st['salted'], b'Client Key', 'sha256')
                            without_proof = 'c=biws,r=' + f['r']
                            st['auth'] = ','.join([st['bare'], server_first, without_proof]).encode()
                            sig = hmac.digest(hashlib.sha256(client_key).digest(), st['auth'], 'sha256')
                            return (without_proof + ',p=' + b64(bytes(a ^ b for a, b in zip(client_key, sig)))).encode()
                        server_key = hmac.digest(st['salted'], b'Server Key', 'sha256')
                        print('server signature ok',
                                challenge.decode() == 'v=' + b64(hmac.digest(server_key, st['auth'], 'sha256')))
                        return b''
                    return step
                d = tls(int(sys.argv[2]))
                print('scram caps', ' '.join(c for c in d.capabilities if c.startswith('AUTH=')))
                print('scram', d.authenticate('SCRAM-SHA-256', scram('jay@example.org', 'jay-pw')))
                print('scram select', ok(d.select('Archive')))
                d.logout()
                e = tls(int(sys.argv[2]))
                try:
                    e.authenticate('SCRAM-SHA-256', scram('jay@example.org', 'wrong')); print('scram wrong accepted')
                except imaplib.IMAP4.error as x:
                    print('scram wrong', x)
                e.logout()
                """, String.valueOf(imap), String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("plain auth ('NO', [b'[PRIVACYREQUIRED]"), "no AUTHENTICATE in plaintext: " + out);
        assertTrue(out.contains("auth ('OK'"), out);
        Matcher copy = Pattern.compile("copy \\('OK', \\[b'\\[COPYUID (\\d+) 1:2 1:2\\] ").matcher(out);
        assertTrue(copy.find(), "COPYUID of a COPY to the empty Archive: " + out);
        String v = copy.group(1);
        assertTrue(out.contains("trycreate ('NO', [b'[TRYCREATE]"), out);
        assertTrue(out.contains("move ['* OK [COPYUID " + v + " 2 3] moved', '* 2 EXPUNGE', 'm1 OK MOVE completed']"),
                "COPYUID, then the EXPUNGE, then OK: " + out);
        assertTrue(out.contains("uidmove ['* OK [COPYUID " + v + " 1,3 4:5] moved', '* 1 EXPUNGE', '* 1 EXPUNGE',"
                + " 'm2 OK MOVE completed']"), "each EXPUNGE numbered as the client counts: " + out);
        assertTrue(out.contains("noop ['n1 OK"), "the moves are not told again: " + out);
        assertTrue(out.contains("other ['* 1 EXPUNGE', '* 1 EXPUNGE', '* 1 EXPUNGE', 'o1 OK"),
                "another session with INBOX selected hears the moves: " + out);
        assertTrue(out.contains("inbox [b'0']") && out.contains("archive [b'5']"), out);
        String content = out.substring(out.indexOf("content"));
        String[][] archive = {{"1", "\\\\Flagged \\\\Recent", "one"}, {"2", "\\\\Recent", "two"},
            {"3", "\\\\Recent", "two"}, {"4", "\\\\Flagged \\\\Recent", "one"}, {"5", "\\\\Recent", "three"}};
        for (String[] m : archive) {
            String expected = m[0] + " (UID " + m[0] + " FLAGS (" + m[1] + ") BODY[HEADER.FIELDS (Subject)] {"
                    + (13 + m[2].length()) + "}', b'Subject: " + m[2] + "\\r\\n";
            assertTrue(content.contains(expected), "copied and moved with their flags: " + expected + " in " + content);
        }
        assertTrue(out.contains("examine ['e1 NO [READ-ONLY]"), "no MOVE out of an EXAMINEd folder: " + out);
        assertTrue(out.contains("ir wrong ('NO', [b'[AUTHENTICATIONFAILED]"), out);
        assertTrue(out.contains("ir ('OK'"), "SASL-IR: " + out);
        assertTrue(out.contains("cancelled") && !out.contains("cancel accepted"), out);
        assertTrue(out.contains("scram caps AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=LOGIN"), out);
        assertTrue(out.contains("server signature ok True") && out.contains("scram ('OK'")
                && out.contains("scram select [b'5']"), "SCRAM-SHA-256 through AUTHENTICATE: " + out);
        assertTrue(out.contains("scram wrong [AUTHENTICATIONFAILED]"), out);
    }

    @Test
    void imaplibCreatesRenamesDeletesSubscribesAndAsksStatusNamespaceIdAndEnable() throws Exception {
        athena.admin("dir:user-add", "una@example.org", "una-pw").ok();
        String out = Python.run(athena.home(), PREAMBLE + """
                imaplib.Commands['ID'] = ('NONAUTH', 'AUTH', 'SELECTED')
                def eq(r, want):
                    assert r == want, (r, want)
                def no(r, code):
                    assert r[0] == 'NO' and r[1][0].startswith(code), r
                ete = '&AMk-t&AOk-'  # "Ete" with acute accents, in modified UTF-7
                m = tls(int(sys.argv[1]))
                typ, dat = m._simple_command('ID', '("name" "imaplib")')
                eq(m._untagged_response(typ, dat, 'ID'), ('OK', [b'("name" "Postrider")']))
                ok(m.login('una@example.org', 'una-pw'))
                caps = ok(m.capability())[0].decode().split()
                for c in ('ID', 'ENABLE', 'UTF8=ACCEPT', 'NAMESPACE', 'STATUS=SIZE', 'CREATE-SPECIAL-USE'):
                    assert c in caps, (c, caps)
                eq(m.namespace(), ('OK', [b'(("" "/")) NIL NIL']))

                eq(m.create('Projects/2026/'), ('OK', [b'CREATE completed']))
                no(m.create('inbox'), b'[ALREADYEXISTS]')
                no(m.create('Projects'), b'[ALREADYEXISTS]')
                eq(m.create(ete), ('OK', [b'CREATE completed']))
                try:
                    m.create('&AGE-'); raise SystemExit('non-canonical modified UTF-7 accepted')
                except imaplib.IMAP4.error as e:
                    print('bad name', e)
                eq(m._simple_command('CREATE', 'Starred', '(USE (\\\\Flagged))'), ('OK', [b'CREATE completed']))
                no(m._simple_command('CREATE', 'Copies', '(USE (\\\\Sent))'), b'[USEATTR]')
                no(m._simple_command('CREATE', 'Odd', '(USE (\\\\Important))'), b'[USEATTR]')
                names = [n.decode() for n in ok(m.list())]
                print('list', names)
                assert any(n.endswith('"/" ' + ete) or n.endswith('"/" "' + ete + '"') for n in names), names
                assert any('\\\\Flagged' in n and 'Starred' in n for n in names), names
                assert any('Projects/2026' in n for n in names), names
                assert not any('Copies' in n or 'Odd' in n for n in names), names

                eq(m.rename('Projects', 'Work'), ('OK', [b'RENAME completed']))
                no(m.rename('INBOX', 'Old'), b'[CANNOT]')
                no(m.rename('Nope', 'Other'), b'[NONEXISTENT]')
                no(m.rename('Work', 'Sent'), b'[ALREADYEXISTS]')
                work = [n.decode() for n in ok(m.list('""', 'Work*'))]
                assert len(work) == 2 and any('Work/2026' in n for n in work), work
                eq(m.list('""', 'Projects*'), ('OK', [None]))

                eq(m.subscribe(ete), ('OK', [b'SUBSCRIBE completed']))
                assert any(n.decode().endswith(ete) or n.decode().endswith(ete + '"') for n in ok(m.lsub())), 'lsub'
                eq(m.unsubscribe(ete), ('OK', [b'UNSUBSCRIBE completed']))
                assert not any(n and ete in n.decode() for n in ok(m.lsub())), 'unsubscribed'

                body = b'Subject: x\\r\\n\\r\\nbody\\r\\n'
                ok(m.append(ete, '(\\\\Deleted)', None, body))
                ok(m.append(ete, '(\\\\Seen)', None, body))
                st = ok(m.status(ete, '(MESSAGES UIDNEXT UNSEEN DELETED SIZE HIGHESTMODSEQ UIDVALIDITY RECENT)'))
                print('status', st)
                import re
                mt = re.fullmatch(rb'"?&AMk-t&AOk-"? \\(MESSAGES 2 UIDNEXT 3 UNSEEN 1 DELETED 1 SIZE (\\d+) '
                                  rb'HIGHESTMODSEQ \\d+ UIDVALIDITY \\d+ RECENT \\d\\)', st[0])
                assert mt and int(mt.group(1)) == 2 * len(body), st
                no(m.status('Nope', '(MESSAGES)'), b'[NONEXISTENT]')
                try:
                    m.status(ete, '(MESSAGES BOGUS)'); raise SystemExit('unknown status item accepted')
                except imaplib.IMAP4.error as e:
                    print('bad status', e)

                ok(m.select(ete))
                ok(m.check())
                eq(m.delete(ete), ('OK', [b'DELETE completed']))
                eq(m.response('CLOSED'), ('CLOSED', [b'']))
                try:
                    m.check(); raise SystemExit('still selected after DELETE')
                except imaplib.IMAP4.error as e:
                    print('deselected', e)
                no(m.delete(ete), b'[NONEXISTENT]')
                no(m.delete('INBOX'), b'[CANNOT]')
                eq(m.logout()[0], 'BYE')

                m = tls(int(sys.argv[1]))
                ok(m.login('una@example.org', 'una-pw'))
                ok(m.enable('CONDSTORE UTF8=ACCEPT'))
                eq(m.response('ENABLED'), ('ENABLED', [b'CONDSTORE UTF8=ACCEPT']))
                eq(m.create('"\\u00dcber"'), ('OK', [b'CREATE completed']))
                names = [n.decode() for n in ok(m.list())]
                assert any(n.endswith('"/" \\u00dcber') or n.endswith('"/" "\\u00dcber"') for n in names), names
                eq(m.logout()[0], 'BYE')

                m = tls(int(sys.argv[1]))
                ok(m.login('una@example.org', 'una-pw'))
                names = [n.decode() for n in ok(m.list())]
                assert any(n.endswith('&ANw-ber') or n.endswith('&ANw-ber"') for n in names), names
                eq(m.logout()[0], 'BYE')
                print('done')
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("bad name") && out.contains("bad status") && out.contains("deselected") && out.endsWith("done\n"), out);
    }

    /**
     * The store fails to open a message's octets while a FETCH is about to send them (here a
     * file replaced by a directory of its name with the folder's mtime put back, so the store
     * still lists it and fails at the open as when the store bundle is replaced at that
     * moment): nothing of the response has left, so the command is answered NO [UNAVAILABLE]
     * and the session goes on, instead of the connection being dropped. A file another program
     * removed (the mtime put back too) is found gone at the open: an expunge, answered as one
     * that another session made during the FETCH (NIL), and told at the next command.
     */
    @Test
    void aStoreFailureOpeningABodyIsARetryableNoAndTheSessionGoesOn() throws Exception {
        athena.admin("dir:user-add", "uma@example.org", "uma-pw").ok();
        deliver("uma", "kept", "still here\r\n");
        deliver("uma", "taken", "not a file any more\r\n");
        deliver("uma", "removed", "gone from the disk\r\n");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        String out = Python.run(athena.home(), PREAMBLE + """
                import os
                maildir = sys.argv[2]
                m = tls(int(sys.argv[1]))
                ok(m.login('uma@example.org', 'uma-pw'))
                typ, data = m.select('INBOX', readonly=True)  # read-only: RFC822 then sets no flag (a rename of the file)
                assert typ == 'OK' and data[0] == b'3', data
                # the second message's file replaced by a directory, the third's removed, the folders' mtimes kept
                for sub in ('new', 'cur'):
                    d = os.path.join(maildir, sub)
                    st = os.stat(d)
                    for f in os.listdir(d):
                        with open(os.path.join(d, f), 'rb') as fh:
                            text = fh.read()
                        if b'Subject: taken' in text:
                            os.remove(os.path.join(d, f))
                            os.mkdir(os.path.join(d, f))
                        if b'Subject: removed' in text:
                            os.remove(os.path.join(d, f))
                    os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))
                typ, data = m.fetch('2', '(UID FLAGS RFC822)')
                print('fetch', typ, data)
                print('noop', m.noop()[0])
                typ, data = m.fetch('3', '(UID RFC822)')
                print('removed', typ, data)
                print('told', m.noop()[0], m.response('EXPUNGE'))
                print('first', ok(m.fetch('1', '(BODY.PEEK[TEXT])'))[0][1])
                m.logout()
                print('done')
                """, String.valueOf(imaps), athena.inbox("uma", "example.org").toString()).ok().out();
        assertTrue(out.contains("fetch NO [b'[UNAVAILABLE]"), out);
        assertTrue(out.contains("removed OK [b'3 (UID 3 RFC822 NIL)']"), out);
        assertTrue(out.contains("told OK ('EXPUNGE', [b'3'])"), out);
        assertTrue(out.contains("noop OK") && out.contains("first b'still here\\r\\n'") && out.endsWith("done\n"), out);
    }

    /**
     * RENAME of the selected mailbox, or of one above it, leaves the session selected under the
     * new name (RFC 9051 gives RENAME no effect on the selection; the UIDs and UIDVALIDITY are
     * the folder's still): no [CLOSED], and FETCH, STORE and new messages go on.
     */
    @Test
    void renamingTheSelectedMailboxKeepsItSelectedUnderItsNewName() throws Exception {
        athena.admin("dir:user-add", "vic@example.org", "vic-pw").ok();
        String out = Python.run(athena.home(), PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login('vic@example.org', 'vic-pw'))
                ok(m.create('Box'))
                for i in range(2):
                    ok(m.append('Box', None, None, b'Subject: %d\\r\\n\\r\\nbody\\r\\n' % i))
                typ, data = m.select('Box')
                assert typ == 'OK' and data[0] == b'2', data
                validity = m.response('UIDVALIDITY')[1][0]
                print('rename', m.rename('Box', 'Renamed'))
                print('closed', m.response('CLOSED'))
                print('fetch', len(ok(m.uid('FETCH', '1:*', '(FLAGS)'))))
                print('store', ok(m.store('1', '+FLAGS', '(\\\\Flagged)')))
                ok(m.append('Renamed', None, None, b'Subject: 3\\r\\n\\r\\nbody\\r\\n'))
                print('noop', ok(m.noop()), m.response('EXISTS')[1][-1])
                print('status', ok(m.status('Renamed', '(MESSAGES UIDVALIDITY)')), validity)
                ok(m.create('Top/Inner'))
                ok(m.append('Top/Inner', None, None, b'Subject: in\\r\\n\\r\\nbody\\r\\n'))
                ok(m.select('Top/Inner'))
                print('rename parent', m.rename('Top', 'Moved'))
                print('fetch inner', ok(m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (Subject)])'))[0][1])
                print('close', m.close())
                m.logout()
                print('done')
                """, String.valueOf(imaps)).ok().out();
        assertTrue(out.contains("rename ('OK', [b'RENAME completed'])") && out.contains("closed ('CLOSED', [None])"), out);
        assertTrue(out.contains("fetch 2\n"), out);
        assertTrue(out.contains("noop [b'NOOP completed'] b'3'"), out);
        java.util.regex.Matcher st = java.util.regex.Pattern.compile(
                "status \\[b'\"?Renamed\"? \\(MESSAGES 3 UIDVALIDITY (\\d+)\\)'\\] b'(\\d+)'").matcher(out);
        assertTrue(st.find() && st.group(1).equals(st.group(2)), "the same UIDVALIDITY under the new name: " + out);
        assertTrue(out.contains("rename parent ('OK', [b'RENAME completed'])")
                && out.contains("fetch inner b'Subject: in\\r\\n\\r\\n'") && out.endsWith("done\n"), out);
    }

    /**
     * Subscriptions are names the client keeps (RFC 9051 6.3.7: not removed by the server even
     * when no mailbox has the name any more), and RENAME leaves them as they are, as Dovecot
     * does: the old name stays subscribed (\NonExistent), the new one is not until the client
     * subscribes it.
     */
    @Test
    void renameLeavesSubscriptionsToTheClient() throws Exception {
        athena.admin("dir:user-add", "wes@example.org", "wes-pw").ok();
        String out = Python.run(athena.home(), PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login('wes@example.org', 'wes-pw'))
                ok(m.create('Old'))
                ok(m.subscribe('Old'))
                ok(m.rename('Old', 'New'))
                def names(lines):
                    return sorted(l.decode().rsplit('"/" ', 1)[1].strip('"') for l in lines if l)
                print('lsub', names(ok(m.lsub('""', '*'))))
                typ, data = m._simple_command('LIST', '(SUBSCRIBED)', '""', 'Old')
                old = m._untagged_response(typ, data, 'LIST')[1][0].decode()
                print('old', '\\\\Subscribed' in old, '\\\\NonExistent' in old, old.endswith(' Old'))
                print('new', names(ok(m.list('""', 'New'))))
                m.logout()
                """, String.valueOf(imaps)).ok().out();
        assertTrue(out.contains("lsub ['Archive', 'Drafts', 'INBOX', 'Junk', 'Old', 'Sent', 'Trash']"), out);
        assertTrue(out.contains("old True True True"), "the old name subscribed, no mailbox of that name: " + out);
        assertTrue(out.contains("new ['New']"), out);
    }

    /**
     * The untagged LIST with SELECT and EXAMINE is IMAP4rev2's (RFC 9051 6.3.2): a session
     * that did not ENABLE IMAP4rev2 speaks RFC 3501 and does not get it.
     */
    @Test
    void selectSendsItsListResponseOnlyAfterEnableImap4rev2() throws Exception {
        athena.admin("dir:user-add", "xia@example.org", "xia-pw").ok();
        String out = Python.run(athena.home(), PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login('xia@example.org', 'xia-pw'))
                m.response('LIST')
                ok(m.select('INBOX'))
                print('rev1 select', m.response('LIST'))
                ok(m.select('Sent', readonly=True))
                print('rev1 examine', m.response('LIST'))
                ok(m.unselect())  # ENABLE is for the authenticated state (imaplib holds to it)
                ok(m.enable('IMAP4rev2'))
                ok(m.select('INBOX'))
                print('rev2 select', m.response('LIST'))
                ok(m.select('Sent', readonly=True))
                print('rev2 examine', m.response('LIST'))
                m.logout()
                """, String.valueOf(imaps)).ok().out();
        assertTrue(out.contains("rev1 select ('LIST', [None])") && out.contains("rev1 examine ('LIST', [None])"), out);
        assertTrue(out.contains("rev2 select ('LIST', [b'() \"/\" INBOX'])")
                && out.contains("rev2 examine ('LIST', [b'() \"/\" Sent'])"), out);
    }

    /**
     * Names read as paths are refused for new mailboxes with a clear NO [CANNOT], as Dovecot
     * refuses them: a level "." or "..", a name beginning with "~". Dots inside a level are
     * ordinary characters.
     */
    @Test
    void namesReadAsPathsAreRefusedForNewMailboxes() throws Exception {
        athena.admin("dir:user-add", "yul@example.org", "yul-pw").ok();
        String out = Python.run(athena.home(), PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login('yul@example.org', 'yul-pw'))
                for name in ['..', '.', 'a/..', '../x', 'INBOX/../x', 'a/./b', '~bob', '~', '~bob/INBOX']:
                    print('create', name, m.create('"%s"' % name))
                for name in ['.hidden', 'a..b', 'x~y', 'x/~y']:
                    print('create', name, m.create('"%s"' % name))
                ok(m.create('Mine'))
                print('rename', m.rename('Mine', '"../Mine"'), m.rename('Mine', '"~Mine"'))
                listed = {l.decode().rsplit('"/" ', 1)[1].strip('"') for l in ok(m.list('""', '*'))}
                print('made', sorted(n for n in listed if n.startswith('~') or '.' in n.split('/')
                                     or '..' in n.split('/')))
                m.logout()
                """, String.valueOf(imaps)).ok().out();
        for (String refused : List.of("..", ".", "a/..", "../x", "INBOX/../x", "a/./b", "~bob", "~", "~bob/INBOX")) {
            assertTrue(out.contains("create " + refused + " ('NO', [b'[CANNOT] a mailbox name may not"), refused + ": " + out);
        }
        for (String taken : List.of(".hidden", "a..b", "x~y", "x/~y")) {
            assertTrue(out.contains("create " + taken + " ('OK', [b'CREATE completed'])"), taken + ": " + out);
        }
        assertTrue(out.contains("rename ('NO', [b'[CANNOT] a mailbox name may not have a level \"..\"'])"
                + " ('NO', [b'[CANNOT] a mailbox name may not begin with"), out);
        assertTrue(out.contains("made []"), "no mailbox of a refused name: " + out);
    }
}
