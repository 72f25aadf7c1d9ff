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
 * SORT and THREAD (RFC 5256) through the distribution with Python's imaplib: seven messages
 * appended with chosen Date, Subject, From, To, Cc, Message-ID, References and internal
 * dates (one without Date, two replies to a message that is not there, a reply found only by
 * its subject), after a first message expunged so that UIDs differ from message numbers.
 */
class ImapSortThreadIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
        athena.admin("dir:user-add", "sol@example.org", "sol-pw").ok();
    }

    @Test
    void sortAndThreadAnswerExactlyAsTheRfcComputes() throws Exception {
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                def msg(*headers):
                    return ('\\r\\n'.join(headers) + '\\r\\n\\r\\nhello\\r\\n').encode()
                def date(h):
                    return 'Date: Sun, 1 Mar 2026 %s:00 +0000' % h
                def internal(h):
                    return '"01-Mar-2026 %s:00 +0000"' % h
                m = tls(int(sys.argv[1]))
                ok(m.login('sol@example.org', 'sol-pw'))
                caps = m.capabilities
                print('caps', all(c in caps for c in ('SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=ORDEREDSUBJECT',
                                                      'THREAD=REFERENCES')))
                ok(m.append('INBOX', None, internal('00:00'), msg('Subject: junk')))
                ok(m.append('INBOX', None, internal('05:00'), msg(date('10:00'), 'Subject: Project plan',
                    'From: Zoe <zoe@x.example>', 'To: bob@y.example', 'Message-ID: <p1@x>')))
                ok(m.append('INBOX', None, internal('04:00'), msg(date('09:00'), 'Subject: Re: Project plan',
                    'From: Amy <amy@x.example>', 'To: carl@y.example', 'Message-ID: <p2@x>', 'In-Reply-To: <p1@x>')))
                ok(m.append('INBOX', None, internal('03:00'), msg(date('11:00'), 'Subject: Lunch',
                    'From: mia@x.example', 'To: al@y.example', 'Cc: zed@z.example', 'Message-ID: <l1@x>')))
                ok(m.append('INBOX', None, internal('02:00'), msg(date('12:00'), 'Subject: [team] RE: Project plan',
                    'From: Bob <bob@x.example>', 'Message-ID: <p3@x>', 'References: <p1@x>\\r\\n <p2@x>')))
                ok(m.append('INBOX', None, internal('13:00'), msg('Subject: Fwd: Lunch',
                    'From: =?utf-8?q?=C3=84rger?= <dan@x.example>', 'Message-ID: <l2@x>')))
                ok(m.append('INBOX', None, internal('01:00'), msg(date('08:00'), 'Subject: Unrelated',
                    'From: eve@x.example', 'Message-ID: <u1@x>', 'References: <missing@x>')))
                ok(m.append('INBOX', None, internal('00:30'), msg(date('08:30'), 'Subject: Also unrelated',
                    'From: Eve <eve@x.example>', 'Message-ID: <u2@x>', 'References: <missing@x>')))
                ok(m.select('INBOX'))
                ok(m.store('1', '+FLAGS', '(\\\\Deleted)'))
                ok(m.expunge())
                def sort(*criteria):
                    return ok(m.sort(*criteria))[0].decode()
                print('arrival', sort('(ARRIVAL)', 'UTF-8', 'ALL'))
                print('date', sort('(DATE)', 'UTF-8', 'ALL'))
                print('reverse date', sort('(REVERSE DATE)', 'UTF-8', 'ALL'))
                print('subject', sort('(SUBJECT)', 'UTF-8', 'ALL'))
                print('subject reverse date', sort('(SUBJECT REVERSE DATE)', 'US-ASCII', 'ALL'))
                print('from', sort('(FROM)', 'UTF-8', 'ALL'))
                print('displayfrom', sort('(DISPLAYFROM)', 'UTF-8', 'ALL'))
                print('to', sort('(TO)', 'UTF-8', 'ALL'))
                print('cc', sort('(CC)', 'UTF-8', 'ALL'))
                print('searched', sort('(DATE)', 'UTF-8', 'SUBJECT', 'plan'))
                print('uid date', ok(m.uid('SORT', '(DATE)', 'UTF-8', 'ALL'))[0].decode())
                sizes = {}
                for d in ok(m.fetch('1:*', '(RFC822.SIZE)')):
                    n, rest = d.split(b' ', 1)
                    sizes[int(n)] = int(rest.split(b'RFC822.SIZE ')[1].rstrip(b')'))
                by_size = ' '.join(str(n) for n in sorted(sizes, key=lambda n: (-sizes[n], n)))
                print('reverse size', sort('(REVERSE SIZE)', 'UTF-8', 'ALL') == by_size, by_size)
                typ, data = m._simple_command('SORT', 'RETURN (MIN MAX ALL COUNT) (DATE) UTF-8 ALL')
                print('esort', typ, m._untagged_response(typ, data, 'ESEARCH')[1][0].decode())
                typ, data = m._simple_command('UID', 'SORT', 'RETURN (COUNT) (DATE) UTF-8 SUBJECT nothing')
                print('esort none', typ, m._untagged_response(typ, data, 'ESEARCH')[1][0].decode())
                typ, data = m.sort('(DATE)', 'ISO-8859-1', 'ALL')
                print('charset', typ, data)
                print('references', ok(m.thread('REFERENCES', 'UTF-8', 'ALL'))[0].decode())
                print('uid references', ok(m.uid('THREAD', 'REFERENCES', 'UTF-8', 'ALL'))[0].decode())
                print('orderedsubject', ok(m.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL'))[0].decode())
                print('thread searched', ok(m.thread('REFERENCES', 'UTF-8', 'NOT', 'SUBJECT', 'plan'))[0])
                print('thread none', ok(m.thread('REFERENCES', 'UTF-8', 'SUBJECT', 'nothing')))
                try:
                    m.thread('NOSUCH', 'UTF-8', 'ALL'); print('algorithm accepted')
                except imaplib.IMAP4.error as e:
                    print('algorithm refused', e)
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        System.out.println(out);
        assertTrue(out.contains("caps True"), out);
        // numbers 1..7 (UIDs 2..8); sent dates 10:00 09:00 11:00 12:00 (none: arrival 13:00) 08:00 08:30
        assertTrue(out.contains("arrival 7 6 4 3 2 1 5\n"), out);
        assertTrue(out.contains("date 6 7 2 1 3 4 5\n"), out);
        assertTrue(out.contains("reverse date 5 4 3 1 2 7 6\n"), out);
        // base subjects: Project plan x3 (1 2 4), Lunch (3 5), Unrelated (6), Also unrelated (7)
        assertTrue(out.contains("subject 7 3 5 1 2 4 6\n"), out);
        assertTrue(out.contains("subject reverse date 7 5 3 4 1 2 6\n"), out);
        // addr-mailbox: zoe amy mia bob dan eve eve
        assertTrue(out.contains("from 2 4 5 6 7 3 1\n"), out);
        // display: Zoe, Amy, mia@x.example, Bob, Ärger (decoded, after ASCII), eve@x.example, Eve
        assertTrue(out.contains("displayfrom 2 4 7 6 3 1 5\n"), out);
        assertTrue(out.contains("to 4 5 6 7 3 1 2\n"), out);
        assertTrue(out.contains("cc 1 2 4 5 6 7 3\n"), out);
        assertTrue(out.contains("searched 2 1 4\n"), out);
        assertTrue(out.contains("uid date 7 8 3 2 4 5 6\n"), out);
        assertTrue(out.contains("reverse size True"), out);
        assertTrue(out.contains("esort OK (TAG \"") && out.contains("\") MIN 6 MAX 5 ALL 6:7,2,1,3:5 COUNT 7\n"), out);
        assertTrue(out.contains("esort none OK (TAG \"") && out.contains("\") UID COUNT 0\n"), out);
        assertTrue(out.contains("charset NO [b'[BADCHARSET (US-ASCII UTF-8)]"), out);
        // 1 <- 2 <- 4 by references, 5 under 3 by subject, 6 and 7 under the missing message
        assertTrue(out.contains("references ((6)(7))(1 2 4)(3 5)\n"), out);
        assertTrue(out.contains("uid references ((7)(8))(2 3 5)(4 6)\n"), out);
        assertTrue(out.contains("orderedsubject (6)(7)(2 (1)(4))(3 5)\n"), out);
        assertTrue(out.contains("thread searched b'((6)(7))(3 5)'"), out);
        assertTrue(out.contains("thread none [b'']"), "an empty THREAD answer: " + out);
        assertTrue(out.contains("algorithm refused"), out);
    }
}
