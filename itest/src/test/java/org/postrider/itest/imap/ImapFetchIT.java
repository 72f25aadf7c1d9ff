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
 * FETCH of large messages through the distribution, with a server heap of 128 MiB: a 20 MiB
 * message fetched five times in one command (100 MiB of response) comes back exactly, each
 * time, because bodies stream to the client instead of being gathered; partials and sections
 * are the right octets; BINARY undoes base64 and quoted-printable (RFC 3516), BINARY.SIZE
 * counts the decoded octets, and an unknown encoding is NO [UNKNOWN-CTE].
 */
class ImapFetchIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;

    static final String PREAMBLE = """
            import imaplib, ssl, sys, hashlib, base64, random, re
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            def ok(r):
                assert r[0] == 'OK', r
                return r[1]
            random.seed(11)
            attachment = random.randbytes(15 * 1024 * 1024)
            text = 'caf\\u00e9 = na\\u00efve '.encode('utf-8') * 100
            qp = b'caf=C3=A9 =3D na=C3=AFve =\\r\\n' * 100
            b64 = base64.encodebytes(attachment).replace(b'\\n', b'\\r\\n')
            part2_header = b'Content-Type: application/octet-stream\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\n'
            msg = (b'Subject: large\\r\\nContent-Type: multipart/mixed; boundary=XX\\r\\n\\r\\n'
                   b'--XX\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: quoted-printable\\r\\n\\r\\n'
                   + qp + b'\\r\\n--XX\\r\\n' + part2_header + b64 + b'\\r\\n--XX--\\r\\n')
            uu = (b'Subject: uu\\r\\nContent-Type: application/octet-stream\\r\\n'
                  b'Content-Transfer-Encoding: x-uuencode\\r\\n\\r\\nbegin 644 x\\r\\nend\\r\\n')
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login('lia@example.org', 'lia-pw')
            """;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.javaOptions("-Xmx128m");
        athena.start();
        athena.admin("dir:user-add", "lia@example.org", "lia-pw").ok();
        Python.run(athena.home(), PREAMBLE + """
                ok(m.append('INBOX', None, None, msg))
                ok(m.append('INBOX', None, None, uu))
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok();
    }

    @Test
    void aLargeMessageFetchedFiveTimesInOneCommandComesBackEachTime() throws Exception {
        String out = Python.run(athena.home(), PREAMBLE + """
                ok(m.select('INBOX'))
                want = hashlib.sha256(msg).hexdigest()
                typ, data = m.fetch('1', '(' + ' '.join(['BODY.PEEK[]'] * 5) + ')')
                assert typ == 'OK', typ
                got = [hashlib.sha256(d[1]).hexdigest() for d in data if isinstance(d, tuple)]
                print('copies', len(got), 'same', all(g == want for g in got), 'size', len(msg))
                typ, data = m.fetch('1:2', '(RFC822.SIZE BODY.PEEK[2]<1000.100> BODY.PEEK[]<0.16> BODY.PEEK[1.MIME])')
                print('partial', data[0][1] == b64[1000:1100])
                print('origin', data[1][1] == msg[:16])
                print('mime', data[2][1] == b'Content-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: quoted-printable\\r\\n\\r\\n')
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        assertTrue(out.contains("copies 5 same True"), out);
        assertTrue(out.contains("partial True") && out.contains("origin True") && out.contains("mime True"), out);
        assertTrue(athena.process().isPresent(), "the server lives on");
    }

    @Test
    void binaryDecodesTheAttachmentAndCountsIt() throws Exception {
        String out = Python.run(athena.home(), PREAMBLE + """
                print('caps', 'BINARY' in m.capabilities)
                ok(m.select('INBOX'))
                typ, data = m.fetch('1', '(BINARY.SIZE[2] BINARY.PEEK[2])')
                assert typ == 'OK', (typ, data)
                print('head', data[0][0][:80])
                print('binary', data[0][1] == attachment, len(data[0][1]))
                print('size', b'BINARY.SIZE[2] %d' % len(attachment) in data[0][0])
                typ, data = m.fetch('1', '(BINARY.PEEK[1] BINARY.PEEK[2]<5.10> BINARY.SIZE[1])')
                print('qp', data[0][1] == text)
                print('window', data[1][1] == attachment[5:15], data[1][0][-20:])
                print('qpsize', (b'BINARY.SIZE[1] %d)' % len(text)) in data[2])
                print('uu', m.fetch('2', '(BINARY.PEEK[1])'))
                nul = b'Subject: nul\\r\\n\\r\\na\\x00b'
                tag = m._new_tag()
                m.send(tag + b' APPEND INBOX ~{%d}\\r\\n' % len(nul))
                print('continue', m.readline()[:1])
                m.send(nul + b'\\r\\n')
                line = m.readline()
                while not line.startswith(tag):
                    line = m.readline()
                print('append8', line)
                uid = re.search(rb'APPENDUID \\d+ (\\d+)', line).group(1).decode()
                typ, data = m.uid('FETCH', uid, '(BINARY.PEEK[1] BINARY.SIZE[1])')
                print('nul', data[0][1] == b'a\\x00b', data[0][0][-6:], data[1])
                typ, data = m.fetch('1', '(FLAGS)')
                print('unseen', data)
                typ, data = m.fetch('1', '(BINARY[1])')
                typ, data = m.fetch('1', '(FLAGS)')
                print('seen', data)
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        System.out.println(out);
        assertTrue(out.contains("caps True"), "BINARY advertised: " + out);
        assertTrue(out.contains("binary True " + 15 * 1024 * 1024), out);
        assertTrue(out.contains("~{" + 15 * 1024 * 1024 + "}"), "literal8 for octets with NUL: " + out);
        assertTrue(out.contains("size True") && out.contains("qp True") && out.contains("qpsize True"), out);
        assertTrue(out.contains("window True") && out.contains("BINARY[2]<5> ~{10}"), out);
        assertTrue(out.toLowerCase(java.util.Locale.ROOT).contains(
                "uu ('no', [b'[unknown-cte] cannot decode the content-transfer-encoding x-uuencode"), out);
        assertTrue(out.contains("append8 b'") && out.contains("OK [APPENDUID"), "APPEND takes a literal8: " + out);
        assertTrue(out.contains("nul True b'] ~{3}' b' BINARY.SIZE[1] 3)'"), out);
        assertTrue(!out.contains("unseen [b'1 (FLAGS (\\\\Seen") && out.contains("seen [b'1 (FLAGS (\\\\Seen"),
                "BINARY.PEEK leaves \\Seen, BINARY sets it: " + out);
    }
}
