package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * SEARCH (RFC 3501 6.4.4) end to end with Python's imaplib: six messages appended with
 * chosen Date fields, internal dates, sizes, addresses, flags and keywords, after a first
 * message expunged so that message numbers and UIDs differ; the first three made old by a
 * session that selected the mailbox before the last three came. The answers are the exact
 * message numbers (or UIDs) the RFC gives. An unknown charset is a NO with BADCHARSET, and
 * one that asks to SAVE empties "$" (RFC 5182 2.4), in SORT too.
 */
class ImapSearchIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
        athena.admin("dir:user-add", "sam@example.org", "sam-pw").ok();
    }

    @Test
    void searchKeysFindExactlyTheirMessages() throws Exception {
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                def msg(headers, body='hello'):
                    return ('\\r\\n'.join(headers) + '\\r\\n\\r\\n' + body + '\\r\\n').encode()
                def internal(day):
                    return '"%02d-Mar-2026 12:00:00 +0000"' % day
                msgs = [
                    (None, None, internal(1), msg(['Subject: junk'])),
                    (None, '$Work', internal(1), msg(['Date: Sun, 1 Mar 2026 10:00:00 +0000', 'From: amy@x.example',
                        'To: bob@y.example', 'Cc: carl@z.example', 'Subject: alpha'])),
                    # late on 2 March at -0800: 3 March in UTC
                    ('\\\\Seen', None, internal(2), msg(['Date: Mon, 2 Mar 2026 23:30:00 -0800',
                        'From: bob@y.example', 'To: Amy <amy@x.example>', 'Bcc: dora@z.example', 'Subject: beta'],
                        'a needle in it')),
                    ('\\\\Flagged', None, internal(3), msg(['Date: Tue, 3 Mar 2026 09:00:00 +0000',
                        'From: carl@z.example', 'To: carl@z.example', 'Subject: gamma'], 'filler ' * 300)),
                    # an obsolete zone, late on 4 March: 5 March in UTC; a non-ASCII subject
                    (None, '$Work', internal(4), msg(['Date: Wed, 4 Mar 2026 22:00:00 EST', 'From: dora@z.example',
                        'To: dora@z.example', 'Cc: Amy <amy@x.example>', 'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?='])),
                    ('\\\\Seen', None, internal(5), msg(['Date: Thu, 5 Mar 2026 12:00:00 +0000', 'From: eve@x.example',
                        'Subject: delta'], 'NEEDLE')),
                    (None, None, internal(6), msg(['From: eve@x.example', 'Subject: no date'])),
                ]
                m = tls(int(sys.argv[1]))
                ok(m.login('sam@example.org', 'sam-pw'))
                for flags, keyword, date, text in msgs[:4]:
                    ok(m.append('INBOX', '(%s)' % ' '.join(x for x in (flags, keyword) if x), date, text))
                ok(m.select('INBOX'))  # claims the four as \\Recent
                ok(m.store('1', '+FLAGS', '(\\\\Deleted)'))
                ok(m.expunge())
                m.logout()
                m = tls(int(sys.argv[1]))
                ok(m.login('sam@example.org', 'sam-pw'))
                for flags, keyword, date, text in msgs[4:]:
                    ok(m.append('INBOX', '(%s)' % ' '.join(x for x in (flags, keyword) if x), date, text))
                ok(m.select('INBOX'))
                def search(*criteria):
                    return ok(m.search(None, *criteria))[0].decode()
                def uid_search(*criteria):
                    return ok(m.uid('SEARCH', *criteria))[0].decode()
                sizes = [len(t) for _, _, _, t in msgs[1:]]
                print('sentsince', search('SENTSINCE', '3-Mar-2026'))
                print('sentbefore', search('SENTBEFORE', '3-Mar-2026'))
                print('senton', search('SENTON', '2-Mar-2026'), '|', search('SENTON', '4-Mar-2026'))
                print('before', search('BEFORE', '3-Mar-2026'))
                print('since', search('SINCE', '5-Mar-2026'))
                print('on', search('ON', '3-Mar-2026'))
                print('larger', search('LARGER', str(sizes[2] - 1)), '|', search('LARGER', str(sizes[2])))
                small = min(sizes)
                print('smaller', search('SMALLER', str(small)), '|',
                      search('SMALLER', str(small + 1)) == ' '.join(str(i + 1) for i, s in enumerate(sizes) if s == small))
                print('unkeyword', search('UNKEYWORD', '$Work'))
                print('cc', search('CC', 'CARL@'), '|', search('CC', 'amy'))
                print('bcc', search('BCC', 'dora'))
                print('to', search('TO', 'amy'), '|', search('TO', 'dora@'))
                nested = ('OR', '(SEEN SENTBEFORE 3-Mar-2026)', 'NOT', '(OR KEYWORD $Work LARGER 1000)')
                print('nested', search(*nested), '|', uid_search(*nested))
                print('not or', search('NOT', 'OR', 'BODY', 'needle', 'FROM', 'eve'))
                print('new', search('NEW'), '|', 'old', search('OLD'), '|', 'recent', search('RECENT'))
                print('numbers', search('2:4', 'UNSEEN'), '|', search('UID', '2:4'), '|', uid_search('2:4'))
                m.literal = 'GRÜßE'.encode()
                print('utf-8', ok(m.search('UTF-8', 'SUBJECT'))[0].decode())
                typ, data = m.search('KOI8-R', 'ALL')
                print('charset', typ, data)
                ok(m._simple_command('SEARCH', 'RETURN (SAVE) SEEN'))
                print('saved', search('$'))
                typ, data = m._simple_command('SEARCH', 'RETURN (SAVE) CHARSET KOI8-R ALL')
                print('charset save', typ, '|', search('$'))
                ok(m._simple_command('SEARCH', 'RETURN (SAVE) SEEN'))
                typ, data = m._simple_command('SORT', 'RETURN (SAVE) (DATE) KOI8-R ALL')
                print('sort charset save', typ, '|', search('$'))
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        System.out.println(out);
        // numbers 1..6 are UIDs 2..7; sent days 1, 2, 3, 4 (EST), 5 March and none
        assertTrue(out.contains("sentsince 3 4 5\n"), out);
        assertTrue(out.contains("sentbefore 1 2\n"), out);
        assertTrue(out.contains("senton 2 | 4\n"), out);
        assertTrue(out.contains("before 1 2\n"), out);
        assertTrue(out.contains("since 5 6\n"), out);
        assertTrue(out.contains("on 3\n"), out);
        assertTrue(out.contains("larger 3 | \n"), "strict: " + out);
        assertTrue(out.contains("smaller  | True\n"), "strict: " + out);
        assertTrue(out.contains("unkeyword 2 3 5 6\n"), out);
        assertTrue(out.contains("cc 1 | 4\n"), out);
        assertTrue(out.contains("bcc 2\n"), out);
        assertTrue(out.contains("to 2 | 4\n"), out);
        // (SEEN and sent before 3 March) = 2; NOT ($Work or larger than 1000) = 2 5 6
        assertTrue(out.contains("nested 2 5 6 | 3 6 7\n"), out);
        assertTrue(out.contains("not or 1 3 4\n"), out);
        assertTrue(out.contains("new 4 6 | old 1 2 3 | recent 4 5 6\n"), out);
        assertTrue(out.contains("numbers 3 4 | 1 2 3 | 3 4 5\n"), out);
        assertTrue(out.contains("utf-8 4\n"), out);
        assertTrue(out.contains("charset NO [b'[BADCHARSET (US-ASCII UTF-8)]"), out);
        assertTrue(out.contains("saved 2 5\n"), out);
        assertTrue(out.contains("\ncharset save NO | \n"), "a refused SAVE empties $: " + out);
        assertTrue(out.contains("sort charset save NO | \n"), "a refused SORT SAVE empties $: " + out);
    }
}
