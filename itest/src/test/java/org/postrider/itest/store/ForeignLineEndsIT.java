package org.postrider.itest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * A message another Maildir tool left with bare LF line ends (procmail, mbsync on Unix, a hand
 * copy into new/) is served with CRLF line ends, and IMAP and POP3 agree on it: imaplib's
 * RFC822.SIZE is the length of the BODY[] it gets, a partial of BODY[TEXT] deep in the message
 * is the CRLF text's octets, BODYSTRUCTURE counts the part in CRLF; poplib's LIST size is the
 * length of what RETR gives, and TOP gives the CRLF header. The file stays as the tool wrote it.
 */
class ForeignLineEndsIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    @Test
    void anLfOnlyFileDroppedIntoNewIsServedInCrlfToImapAndPop3Alike() throws Exception {
        Instance athena = INSTANCES.create("athena");
        athena.start();
        athena.admin("dir:user-add", "lia@example.org", "lia-pw").ok();
        int imaps = athena.listenerPort("imaps");
        int pop3s = athena.listenerPort("pop3s");
        String login = """
                import imaplib, poplib, ssl, sys, re
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                def ok(r):
                    assert r[0] == 'OK', r
                    return r[1]
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('lia@example.org', 'lia-pw')
                """;
        Python.run(athena.home(), login + "ok(m.select('INBOX'))\nm.logout()\n", String.valueOf(imaps),
                String.valueOf(pop3s)).ok(); // the mailbox exists

        StringBuilder lf = new StringBuilder("From: Bob <bob@example.net>\nTo: lia@example.org\n"
                + "Subject: left by procmail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain; charset=us-ascii\n\nline one\nline two\nline three\n--b\n"
                + "Content-Type: text/plain; charset=us-ascii\n\n");
        for (int i = 0; i < 20_000; i++) { // 200 KB: the partial below is far past the first read buffer
            lf.append(String.format("line %05d\n", i));
        }
        lf.append("--b--\n");
        Path maildir = athena.inbox("lia", "example.org");
        Path tmp = maildir.resolve("tmp/1764460800.P4242Q1.elsewhere");
        Files.writeString(tmp, lf, StandardCharsets.US_ASCII);
        Path dropped = maildir.resolve("new/1764460800.P4242Q1.elsewhere");
        Files.move(tmp, dropped, StandardCopyOption.ATOMIC_MOVE); // as Maildir tools deliver
        Path source = athena.home().resolve("lf.eml");
        Files.writeString(source, lf, StandardCharsets.US_ASCII);

        String out = Python.run(athena.home(), login + """
                lf = open(sys.argv[3], 'rb').read()
                crlf = re.sub(rb'(?<!\\r)\\n', b'\\r\\n', lf)
                text = crlf[crlf.index(b'\\r\\n\\r\\n') + 4:]
                ok(m.select('INBOX'))
                size = int(re.search(rb'RFC822.SIZE (\\d+)', ok(m.fetch('1', '(RFC822.SIZE)'))[0]).group(1))
                whole = ok(m.fetch('1', '(BODY.PEEK[])'))[0][1]
                print('imap size', size == len(whole) == len(crlf), size, len(whole), len(crlf), len(lf))
                print('imap body', whole == crlf)
                part = ok(m.fetch('1', '(BODY.PEEK[TEXT]<150000.64>)'))[0][1]
                print('imap partial', part == text[150000:150064], part[:24])
                first = ok(m.fetch('1', '(BODY.PEEK[1])'))[0][1]
                print('imap part1', first == b'line one\\r\\nline two\\r\\nline three')
                bs = ok(m.fetch('1', '(BODYSTRUCTURE)'))[0]
                print('imap bodystructure', bs)
                m.logout()
                p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[2]), context=ctx)
                p.user('lia@example.org'); p.pass_('lia-pw')
                listed = int(p.list()[1][0].split()[1])
                resp, lines, octets = p.retr(1)
                got = b'\\r\\n'.join(lines) + b'\\r\\n'
                print('pop size', listed == octets == len(got) == len(crlf), listed, octets, len(got))
                print('pop body', got == crlf)
                resp, lines, octets = p.top(1, 0)
                print('pop top', b'\\r\\n'.join(lines) + b'\\r\\n' == crlf[:crlf.index(b'\\r\\n\\r\\n') + 4])
                p.quit()
                """, String.valueOf(imaps), String.valueOf(pop3s), source.toString()).ok().out();
        System.out.println(out);
        assertTrue(out.contains("imap size True"), out);
        assertTrue(out.contains("imap body True"), out);
        assertTrue(out.contains("imap partial True"), out);
        assertTrue(out.contains("imap part1 True"), out);
        // BODYSTRUCTURE of part 1: 30 octets in 3 lines in CRLF (27 in the file).
        assertTrue(out.matches("(?s).*imap bodystructure .*\"(?i:plain)\" \\(\"(?i:charset)\" \"(?i:us-ascii)\"\\) NIL NIL"
                + " \"(?i:7bit)\" 30 3[ )].*"), out);
        assertTrue(out.contains("pop size True"), out);
        assertTrue(out.contains("pop body True"), out);
        assertTrue(out.contains("pop top True"), out);
        java.util.List<Path> files = athena.messages(maildir); // in new/, or in cur/ once seen
        assertTrue(files.size() == 1 && Files.readString(files.get(0), StandardCharsets.US_ASCII).equals(lf.toString()),
                "the file is left as the tool wrote it: " + files);
    }

    /**
     * Partial FETCHes deep in a 24 MiB LF-only file: each gives the CRLF view's octets, and
     * after the first (at the end: it may convert the whole file once) each reads at most about
     * a MiB of the file, as the server's read count (Linux's rchar of its process) shows, not
     * the file up to its offset.
     */
    @Test
    void partialFetchesDeepInABigLfOnlyFileReadAboutAMiBEachNotTheFileUpToThem() throws Exception {
        Instance big = INSTANCES.create("big");
        big.start();
        big.admin("dir:user-add", "lia@example.org", "lia-pw").ok();
        long pid = big.process().orElseThrow().pid();
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/" + pid + "/io")), "needs /proc/PID/io");
        int imaps = big.listenerPort("imaps");
        String login = """
                import imaplib, ssl, sys, re
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                def ok(r):
                    assert r[0] == 'OK', r
                    return r[1]
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('lia@example.org', 'lia-pw')
                """;
        Python.run(big.home(), login + "ok(m.select('INBOX'))\nm.logout()\n", String.valueOf(imaps)).ok();

        StringBuilder lf = new StringBuilder("From: Bob <bob@example.net>\nTo: lia@example.org\nSubject: big\n\n");
        while (lf.length() < 24 << 20) {
            lf.append(String.format("line %010d\n", lf.length()));
        }
        Path maildir = big.inbox("lia", "example.org");
        Path tmp = maildir.resolve("tmp/1764460801.P4243Q1.elsewhere");
        Files.writeString(tmp, lf, StandardCharsets.US_ASCII);
        Files.move(tmp, maildir.resolve("new/1764460801.P4243Q1.elsewhere"), StandardCopyOption.ATOMIC_MOVE);
        Path source = big.home().resolve("big.eml");
        Files.writeString(source, lf, StandardCharsets.US_ASCII);

        String out = Python.run(big.home(), login + """
                lf = open(sys.argv[2], 'rb').read()
                crlf = re.sub(rb'(?<!\\r)\\n', b'\\r\\n', lf)
                def rchar():
                    for line in open('/proc/%s/io' % sys.argv[3]):
                        if line.startswith('rchar:'):
                            return int(line.split()[1])
                def partial(o):
                    got = ok(m.fetch('1', '(BODY.PEEK[]<%d.64>)' % o))[0][1]
                    return got == crlf[o:o + 64]
                ok(m.select('INBOX'))
                size = int(re.search(rb'RFC822.SIZE (\\d+)', ok(m.fetch('1', '(RFC822.SIZE)'))[0]).group(1))
                print('size', size == len(crlf))
                print('first', partial(len(crlf) - 64))
                for o in [22 << 20, (22 << 20) + 1000, (5 << 20) + 17, 12 << 20, (20 << 20) - 1, 1 << 20]:
                    before = rchar()
                    same = partial(o)
                    print('partial', o, same, rchar() - before)
                m.logout()
                """, String.valueOf(imaps), source.toString(), String.valueOf(pid)).ok().out();
        System.out.println(out);
        assertTrue(out.contains("size True"), out);
        assertTrue(out.contains("first True"), out);
        int partials = 0;
        for (String line : out.split("\n")) {
            if (line.startsWith("partial ")) {
                String[] f = line.trim().split(" ");
                assertEquals("True", f[2], "the CRLF view's octets at " + f[1] + ": " + out);
                assertTrue(Long.parseLong(f[3]) <= (3 << 19), "at most about a MiB read for the partial at " + f[1]
                        + ", not the file up to it: " + out);
                partials++;
            }
        }
        assertEquals(6, partials, out);
    }
}
