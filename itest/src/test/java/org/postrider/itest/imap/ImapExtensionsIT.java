package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/** IMAP extensions through the distribution with imaplib: SEARCHRES, ENABLE IMAP4rev2, MULTIAPPEND, QUOTA, COMPRESS=DEFLATE. */
class ImapExtensionsIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int imaps;

    /** A raw TLS connection, argv[1] the port: {@code said(tag)} reads the lines up to the tagged one. */
    private static final String RAW = ImapIT.PREAMBLE + """
            import socket
            raw = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
            f = raw.makefile('rb')
            def said(tag):
                lines = []
                while True:
                    l = f.readline().decode('utf-8').rstrip('\\r\\n')
                    lines.append(l)
                    if l.startswith(tag + ' '):
                        return lines
            """;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "maxCompressedSessions", "1"));
        athena.start();
        imaps = athena.listenerPort("imaps");
    }

    private static String run(String user, String script) throws Exception {
        athena.admin("dir:user-add", user, "pw").ok();
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login(sys.argv[2], 'pw'))
                def cmd(name, *args):
                    try:
                        typ, dat = m._simple_command(name, *args)
                    except imaplib.IMAP4.error as e:
                        typ, dat = 'BAD', [str(e).encode()]
                    untagged = {k: v for k, v in m.untagged_responses.items()}
                    m.untagged_responses.clear()
                    print('==', name, ' '.join(args), typ, untagged)
                    return typ, untagged
                """ + script + """
                m.logout()
                """, String.valueOf(imaps), user).ok().out();
        System.out.println(out);
        return out;
    }

    @Test
    void searchResultSavedAsDollarForFetchStoreAndSearch() throws Exception {
        String out = run("sam@example.org", """
                for i in range(1, 7):
                    ok(m.append('INBOX', '(\\\\Seen)' if i % 2 else None, None, ('Subject: m%d\\r\\n\\r\\nbody\\r\\n' % i).encode()))
                ok(m.select('INBOX')); m.untagged_responses.clear()
                cmd('SEARCH', 'RETURN', '(SAVE)', 'UNSEEN')
                cmd('FETCH', '$', '(UID)')
                cmd('UID', 'STORE', '$', '+FLAGS.SILENT', '(\\\\Flagged)')
                cmd('SEARCH', 'FLAGGED')
                cmd('SEARCH', 'RETURN', '(SAVE MIN)', '$', 'NOT', 'UID', '2')
                cmd('FETCH', '$', '(UID)')
                cmd('SEARCH', 'RETURN', '(SAVE)', 'BOGUS')
                cmd('FETCH', '$', '(UID)')
                ok(m.select('INBOX')); m.untagged_responses.clear()
                cmd('SEARCH', 'RETURN', '(SAVE ALL)', 'SUBJECT', 'm5')
                ok(m.store('5', '+FLAGS.SILENT', '(\\\\Deleted)'))
                ok(m.expunge())
                cmd('FETCH', '$', '(UID)')
                """);
        assertTrue(out.contains("== SEARCH RETURN (SAVE) UNSEEN OK {}"), "SAVE alone: no ESEARCH: " + out);
        assertTrue(out.contains("== FETCH $ (UID) OK {'FETCH': [b'2 (UID 2)', b'4 (UID 4)', b'6 (UID 6)']}"), out);
        assertTrue(out.contains("== SEARCH FLAGGED OK {'SEARCH': [b'2 4 6']}"), "UID STORE $ used the saved UIDs: " + out);
        assertTrue(out.contains("== FETCH $ (UID) OK {'FETCH': [b'4 (UID 4)']}"), "SAVE MIN keeps the minimum: " + out);
        assertTrue(out.contains("== SEARCH RETURN (SAVE) BOGUS BAD"), out);
        assertTrue(out.contains("== FETCH $ (UID) OK {}"), "a failed SEARCH with SAVE empties $: " + out);
        assertTrue(out.contains("== SEARCH RETURN (SAVE ALL) SUBJECT m5 OK {'ESEARCH'"), out);
        assertTrue(out.endsWith("== FETCH $ (UID) OK {}\n") || out.contains("== FETCH $ (UID) OK {}\n== "),
                "an expunged message leaves $: " + out);
    }

    /**
     * UID EXPUNGE (RFC 4315 2.1, RFC 9051 6.4.9) removes only the \Deleted messages inside its
     * set, each told as the client counts; with "$" (RFC 5182) the set is the saved search result.
     */
    @Test
    void uidExpungeRemovesOnlyTheDeletedMessagesOfItsSetAndTakesTheSavedResult() throws Exception {
        athena.admin("dir:user-add", "uex@example.org", "pw").ok();
        String out = Python.run(athena.home(), RAW + """
                f.readline()
                raw.sendall(b'a LOGIN uex@example.org pw\\r\\n'); said('a')
                for i in range(1, 9):
                    text = b'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % i
                    raw.sendall(b'b%d APPEND INBOX {%d+}\\r\\n' % (i, len(text)) + text + b'\\r\\n'); said('b%d' % i)
                raw.sendall(b's SELECT INBOX\\r\\n'); said('s')
                def show(name, tag, line):
                    raw.sendall(tag.encode() + b' ' + line + b'\\r\\n')
                    print(name, said(tag))
                show('deleted', 'd', b'UID STORE 2,3,5,6,8 +FLAGS.SILENT (\\\\Deleted)')
                show('set', 'e', b'UID EXPUNGE 3:6')
                show('still-deleted', 'f', b'UID SEARCH DELETED')
                show('left', 'g', b'UID SEARCH ALL')
                show('deleted7', 'h', b'UID STORE 7 +FLAGS.SILENT (\\\\Deleted)')
                show('save', 'i', b'UID SEARCH RETURN (SAVE) UID 1:7')
                show('saved', 'j', b'UID EXPUNGE $')
                show('left2', 'k', b'UID SEARCH ALL')
                show('still-deleted2', 'l', b'UID SEARCH DELETED')
                show('dollar', 'm', b'UID FETCH $ (UID)')
                show('plain', 'n', b'EXPUNGE 1')
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("deleted ['d OK STORE completed']"), out);
        assertTrue(out.contains("set ['* 3 EXPUNGE', '* 4 EXPUNGE', '* 4 EXPUNGE', 'e OK EXPUNGE completed']"),
                "UIDs 3, 5 and 6, numbered as the client counts: " + out);
        assertTrue(out.contains("still-deleted ['* SEARCH 2 8', 'f OK SEARCH completed']"),
                "the \\Deleted messages outside the set stay: " + out);
        assertTrue(out.contains("left ['* SEARCH 1 2 4 7 8', 'g OK SEARCH completed']"), out);
        assertTrue(out.contains("save ['i OK SEARCH completed']"), out);
        assertTrue(out.contains("saved ['* 2 EXPUNGE', '* 3 EXPUNGE', 'j OK EXPUNGE completed']"),
                "UIDs 2 and 7 of the saved 1, 2, 4, 7: " + out);
        assertTrue(out.contains("left2 ['* SEARCH 1 4 8', 'k OK SEARCH completed']"), out);
        assertTrue(out.contains("still-deleted2 ['* SEARCH 8', 'l OK SEARCH completed']"), out);
        assertTrue(out.contains("dollar ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 4)', 'm OK FETCH completed']"),
                "the expunged messages left $: " + out);
        assertTrue(out.contains("plain ['n BAD"), "EXPUNGE without UID takes no set: " + out);
    }

    @Test
    void enabledImap4rev2DropsRecentAnswersSearchWithEsearchAndTakesUtf8Names() throws Exception {
        String out = run("rev@example.org", """
                ok(m.append('INBOX', None, None, b'Subject: one\\r\\n\\r\\nbody\\r\\n')); m.untagged_responses.clear()
                cmd('ENABLE', 'IMAP4rev2')
                m._encoding = 'utf-8'
                cmd('CREATE', '"Entw\u00fcrfe"')
                cmd('LIST', '""', '"Entw*"')
                ok(m.select('INBOX')); print('== SELECT', m.untagged_responses); m.untagged_responses.clear()
                cmd('FETCH', '1', '(FLAGS)')
                cmd('SEARCH', 'ALL')
                """);
        assertTrue(out.contains("== ENABLE IMAP4rev2 OK {'ENABLED': [b'IMAP4rev2']}"), out);
        assertTrue(out.contains("== CREATE \"Entw\u00fcrfe\" OK"), out);
        assertTrue(out.contains("'LIST': [b'(\\\\HasNoChildren) \"/\" \"Entw\\xc3\\xbcrfe\"']"), "UTF-8 names: " + out);
        assertTrue(out.contains("== SELECT {'FLAGS'") && !out.contains("'RECENT'"), "no RECENT: " + out);
        assertTrue(out.contains("== FETCH 1 (FLAGS) OK {'FETCH': [b'1 (FLAGS ())']}"), "no \\Recent flag: " + out);
        assertTrue(out.contains("== SEARCH ALL OK {'ESEARCH': [b'(TAG "), "ESEARCH for SEARCH: " + out);
        assertTrue(!out.contains("'SEARCH'"), out);
    }

    @Test
    void multiappendAddsAllOrNone() throws Exception {
        athena.admin("dir:user-add", "mia@example.org", "pw").ok();
        String out = Python.run(athena.home(), RAW + """
                f.readline()
                raw.sendall(b'a LOGIN mia@example.org pw\\r\\n'); said('a')
                def lit(text):
                    return b'{%d+}\\r\\n' % len(text) + text
                raw.sendall(b'b APPEND INBOX (\\\\Seen) ' + lit(b'Subject: one\\r\\n\\r\\n1\\r\\n')
                    + b' "01-Feb-2026 10:00:00 +0000" ' + lit(b'Subject: two\\r\\n\\r\\n2\\r\\n')
                    + b' (\\\\Flagged $Work) ' + lit(b'Subject: three\\r\\n\\r\\n3\\r\\n') + b'\\r\\n')
                print('multi', said('b'))
                raw.sendall(b'c APPEND INBOX ' + lit(b'Subject: four\\r\\n\\r\\n4\\r\\n')
                    + b' (\\\\Recent) ' + lit(b'Subject: five\\r\\n\\r\\n5\\r\\n') + b'\\r\\n')
                print('refused', said('c'))
                raw.sendall(b'd APPEND Nowhere ' + lit(b'x') + b' ' + lit(b'y') + b'\\r\\n')
                print('nowhere', said('d'))
                raw.sendall(b'e EXAMINE INBOX\\r\\n'); said('e')
                raw.sendall(b'f FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])\\r\\n')
                print('fetch', said('f'))
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("b OK [APPENDUID ") && out.contains(" 1:3] APPEND completed"), out);
        assertTrue(out.contains("c BAD"), "a refused flag on the second message refuses the command: " + out);
        assertTrue(out.contains("d NO [TRYCREATE]"), out);
        assertTrue(out.contains("* 3 FETCH (UID 3 FLAGS (\\\\Flagged $Work)"), out);
        assertTrue(out.contains("* 2 FETCH (UID 2 FLAGS () INTERNALDATE \"01-Feb-2026 10:00:00 +0000\""), out);
        assertTrue(!out.contains("* 4 FETCH") && !out.contains("four"), "nothing of the refused command was added: " + out);
    }

    @Test
    void quotaFromTheDirectoryAndOverquotaOnAppend() throws Exception {
        athena.admin("dir:user-add", "quo@example.org", "pw").ok();
        athena.admin("dir:quota-set", "quo@example.org", "4096", "3").ok();
        athena.admin("dir:user-add", "free@example.org", "pw").ok();
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login('quo@example.org', 'pw'))
                ok(m.append('INBOX', None, None, b'Subject: q\\r\\n\\r\\n' + b'x' * 1500 + b'\\r\\n'))
                print('root', m.getquotaroot('INBOX'))
                print('quota', m.getquota('""'))
                print('other', m.getquota('"user.other"'))
                print('set', m.setquota('""', '(STORAGE 999999)'))
                print('big', m.append('INBOX', None, None, b'Subject: big\\r\\n\\r\\n' + b'y' * 3000 + b'\\r\\n'))
                print('over', m.append('INBOX', None, None, b'Subject: big\\r\\n\\r\\n' + b'y' * 9000 + b'\\r\\n'))
                m.logout()
                m = tls(int(sys.argv[1]))
                ok(m.login('free@example.org', 'pw'))
                print('free', m.getquotaroot('INBOX'), m.getquota('""'))
                m.logout()
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("root ('OK', [[b'INBOX \"\"'], [b'\"\" (STORAGE 2 4 MESSAGE 1 3)']])"), out);
        assertTrue(out.contains("quota ('OK', [b'\"\" (STORAGE 2 4 MESSAGE 1 3)'])"), out);
        assertTrue(out.contains("other ('NO', [b'[NONEXISTENT]"), out);
        assertTrue(out.contains("set ('NO', [b'[NOPERM]"), out);
        assertTrue(out.contains("big ('NO', [b'[OVERQUOTA]"), "over the byte limit: " + out);
        assertTrue(out.contains("over ('NO', [b'[OVERQUOTA]"), "larger than the limit: " + out);
        assertTrue(out.contains("free ('OK', [[b'INBOX'], [None]]) ('NO', [b'[NONEXISTENT]"), "no limit, no root: " + out);
    }

    @Test
    void compressDeflateBothWaysBoundedAndLimited() throws Exception {
        athena.admin("dir:user-add", "zed@example.org", "pw").ok();
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                import socket, zlib
                class Z:
                    def __init__(self):
                        self.s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
                        self.f = self.s.makefile('rb'); self.f.readline(); self.z = None; self.buf = b''
                    def send(self, data):
                        if self.z:
                            data = self.z[0].compress(data) + self.z[0].flush(zlib.Z_SYNC_FLUSH)
                        self.s.sendall(data)
                    def line(self):
                        if not self.z:
                            return self.f.readline().decode().rstrip('\\r\\n')
                        while b'\\n' not in self.buf:
                            chunk = self.s.recv(65536)
                            if not chunk:
                                return None
                            self.buf += self.z[1].decompress(chunk)
                        l, self.buf = self.buf.split(b'\\n', 1)
                        return l.decode().rstrip('\\r')
                    def cmd(self, tag, text):
                        self.send(tag.encode() + b' ' + text + b'\\r\\n')
                        lines = []
                        while True:
                            l = self.line()
                            lines.append(l)
                            if l is None or l.startswith(tag + ' ') or l.startswith('* BYE'):
                                return lines
                    def compress(self):
                        r = self.cmd('z', b'COMPRESS DEFLATE')
                        if r[-1].startswith('z OK'):
                            self.z = (zlib.compressobj(wbits=-15), zlib.decompressobj(wbits=-15))
                        return r
                a = Z()
                print('before', a.cmd('c', b'CAPABILITY'))
                a.cmd('a', b'LOGIN zed@example.org pw')
                print('caps', a.cmd('c', b'CAPABILITY'))
                print('compress', a.compress())
                print('again', a.cmd('y', b'COMPRESS DEFLATE'))
                body = b'Subject: squeezed\\r\\n\\r\\n' + b'all work and no play\\r\\n' * 2000
                print('append', a.cmd('b', b'APPEND INBOX {%d+}\\r\\n' % len(body) + body))
                a.cmd('s', b'SELECT INBOX')
                got = a.cmd('f', b'FETCH 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
                print('fetch', got)
                b = Z()
                b.cmd('a', b'LOGIN zed@example.org pw')
                print('limited', b.cmd('z', b'COMPRESS DEFLATE'))
                a.send(b'x NOOP ' + b'a' * (20 * 1024 * 1024) + b'\\r\\n')
                seen = []
                while True:
                    l = a.line()
                    if l is None:
                        break
                    seen.append(l)
                    if l.startswith('* BYE'):
                        break
                print('bomb', seen)
                a.f.close(); a.s.close()
                import time
                for i in range(50):
                    r = b.compress()
                    if r[-1].startswith('z OK'):
                        break
                    time.sleep(0.1)
                print('later', r, b.cmd('n', b'NOOP'))
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(!out.split("\n")[0].contains("COMPRESS=DEFLATE"), "not offered before login: " + out);
        assertTrue(out.contains("COMPRESS=DEFLATE"), out);
        assertTrue(out.contains("compress ['z OK DEFLATE active']"), out);
        assertTrue(out.contains("again ['y NO [COMPRESSIONACTIVE]"), out);
        assertTrue(out.contains("append ['b OK [APPENDUID"), out);
        assertTrue(out.contains("fetch ['* 1 FETCH (RFC822.SIZE 44021 BODY[HEADER.FIELDS (SUBJECT)] {21}'"), out);
        assertTrue(out.contains("limited ['z NO [LIMIT]"), out);
        assertTrue(out.contains("* BYE line longer than 65536 in a compressed session, closing"),
                "a compression bomb ends the session: " + out);
        assertTrue(out.contains("later ['z OK DEFLATE active'] ['n OK"), "the slot came back when the session ended: " + out);
    }

    @Test
    void copyIntoTheSelectedMailboxAddsTheMessagesAgainAndMoveThereIsRefused() throws Exception {
        String out = run("cat@example.org", """
                ok(m.append('INBOX', '(\\\\Flagged $Keep)', '"02-Mar-2026 08:00:00 +0000"', b'Subject: a\\r\\n\\r\\none\\r\\n'))
                ok(m.append('INBOX', None, None, b'Subject: b\\r\\n\\r\\ntwo\\r\\n'))
                ok(m.select('INBOX')); m.untagged_responses.clear()
                print('copy', m.copy('1:2', 'INBOX'))
                print('exists', m.response('EXISTS'))
                print('fetch', ok(m.fetch('3:4', '(UID FLAGS INTERNALDATE BODY.PEEK[TEXT])')))
                print('move', m._simple_command('MOVE', '1', 'INBOX'))
                """);
        assertTrue(out.contains(" 1:2 3:4] COPY completed"), out);
        assertTrue(out.contains("exists ('EXISTS', [b'4'])"), out);
        assertTrue(out.contains("3 (UID 3 FLAGS (\\\\Flagged $Keep) INTERNALDATE \"02-Mar-2026 08:00:00 +0000\" BODY[TEXT] {5}"), out);
        assertTrue(out.contains("b'one\\r\\n'") && out.contains("b'two\\r\\n'"), out);
        assertTrue(out.contains("move ('NO', [b'[CANNOT]"), out);
    }

    @Test
    void appendUtf8TakesALiteral8OnceUtf8IsEnabled() throws Exception {
        athena.admin("dir:user-add", "uma@example.org", "pw").ok();
        String out = Python.run(athena.home(), RAW + """
                f.readline()
                raw.sendall(b'a LOGIN uma@example.org pw\\r\\n'); said('a')
                text = 'Subject: gr\u00fc\u00dfe\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n\\r\\nhall\u00f6\\r\\n'.encode()
                raw.sendall(b'b APPEND INBOX UTF8 (~{%d+}\\r\\n' % len(text) + text + b')\\r\\n')
                print('before', said('b'))
                raw.sendall(b'c ENABLE UTF8=ACCEPT\\r\\n'); said('c')
                raw.sendall(b'd APPEND INBOX (\\\\Seen) UTF8 (~{%d+}\\r\\n' % len(text) + text + b')\\r\\n')
                print('after', said('d'))
                raw.sendall(b'e SELECT INBOX\\r\\nf FETCH 1 (FLAGS BODY.PEEK[])\\r\\n'); said('e')
                print('fetch', said('f'))
                """, String.valueOf(imaps)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("before ['b BAD APPEND UTF8 needs ENABLE UTF8=ACCEPT']"), out);
        assertTrue(out.contains("after ['d OK [APPENDUID"), out);
        assertTrue(out.contains("Subject: gr\u00fc\u00dfe") && out.contains("hall\u00f6"), out);
    }
}
