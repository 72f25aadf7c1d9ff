package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * CONDSTORE through the distribution: a client that knows a MODSEQ asks what changed since
 * (another session's flag changes) and gets exactly those; a conditional STORE against a
 * message another session changed fails with MODIFIED; two sessions see each other's changes.
 * MODSEQ comes in untagged FETCH responses only after a CONDSTORE enabling command of the
 * session (RFC 7162 3.1), and from then on in every one, with UID.
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

    /**
     * A client under test ({@code c}) in the user's INBOX of three messages, {@code w} another
     * session that never enables CONDSTORE. {@code mode} is the enabling command c issues (none,
     * ENABLE, SELECT (CONDSTORE), STATUS HIGHESTMODSEQ before SELECT; FETCH (MODSEQ) or SEARCH
     * MODSEQ after a first NOOP). Each step prints its untagged lines, then "tagged" and the
     * tagged response without its tag.
     */
    private static final String SCRIPT = ImapIT.PREAMBLE + """
            mode, user = sys.argv[2], sys.argv[3]
            def session():
                m = tls(int(sys.argv[1])); ok(m.login(user, 'pw')); return m
            def raw(m, name, line):
                tag = m._new_tag().decode()
                m.send(('%s %s\\r\\n' % (tag, line)).encode())
                while True:
                    l = m.readline().decode().rstrip('\\r\\n')
                    if l.startswith(tag + ' '):
                        print(name, 'tagged', l[len(tag) + 1:])
                        return
                    print(name, l)
            w = session()
            for n in range(1, 4):
                ok(w.append('INBOX', None, None, b'Subject: m%d\\r\\n\\r\\nbody %d\\r\\n' % (n, n)))
            ok(w.select('INBOX'))  # first: it takes the \\Recent, c sees the stored flags only
            c = session()
            if mode == 'enable':
                raw(c, 'enable', 'ENABLE CONDSTORE')
            if mode == 'status':
                raw(c, 'status', 'STATUS INBOX (MESSAGES HIGHESTMODSEQ)')
            raw(c, 'select', 'SELECT INBOX (CONDSTORE)' if mode == 'select' else 'SELECT INBOX')
            ok(w.store('1', '+FLAGS', '(\\\\Flagged)'))
            raw(c, 'told', 'NOOP')
            if mode in ('fetch', 'search'):
                raw(c, mode, 'FETCH 2 (MODSEQ)' if mode == 'fetch' else 'SEARCH MODSEQ 1')
                ok(w.store('1', '+FLAGS', '($Work)'))
                raw(c, 'told2', 'NOOP')
            raw(c, 'store', 'STORE 2 +FLAGS (\\\\Answered)')
            raw(c, 'uidstore', 'UID STORE 2 +FLAGS ($Todo)')
            raw(c, 'silent', 'STORE 3 +FLAGS.SILENT (\\\\Flagged)')
            raw(c, 'seen', 'FETCH 3 (FLAGS BODY[TEXT])')
            raw(w, 'other', 'NOOP')
            c.logout(); w.logout()
            """;

    private static List<String> run(String mode) throws Exception {
        String user = mode + "@example.org";
        athena.admin("dir:user-add", user, "pw").ok();
        String out = Python.run(athena.home(), SCRIPT, String.valueOf(athena.listenerPort("imaps")), mode, user)
                .ok().out();
        System.out.println(out);
        return out.lines().toList();
    }

    /** The lines a step printed, without the step's name. */
    private static List<String> step(List<String> out, String name) {
        return out.stream().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1)).toList();
    }

    private static void matches(List<String> out, String name, String... regexes) {
        List<String> got = step(out, name);
        assertEquals(regexes.length, got.size(), name + ": " + got);
        for (int i = 0; i < regexes.length; i++) {
            assertTrue(got.get(i).matches(regexes[i]), name + ": " + got.get(i) + " !~ " + regexes[i]);
        }
    }

    private static final String MODSEQ = " MODSEQ \\(\\d+\\)";

    /** What a client that enabled CONDSTORE is told from the step {@code from} on: UID and MODSEQ in every untagged FETCH. */
    private static void modSeqsFrom(List<String> out, String from) {
        matches(out, from, "\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Flagged( \\$Work)?\\)" + MODSEQ + "\\)", "tagged OK .*");
        matches(out, "store", "\\* 2 FETCH \\(UID 2 FLAGS \\(\\\\Answered\\)" + MODSEQ + "\\)", "tagged OK .*");
        matches(out, "uidstore", "\\* 2 FETCH \\(UID 2 FLAGS \\(\\\\Answered \\$Todo\\)" + MODSEQ + "\\)",
                "tagged OK .*");
        // .SILENT: no FLAGS, but UID and MODSEQ still (RFC 7162 3.1.3)
        matches(out, "silent", "\\* 3 FETCH \\(UID 3" + MODSEQ + "\\)", "tagged OK .*");
        // the \\Seen this FETCH set: with UID and MODSEQ (RFC 7162 3.1)
        String seen = String.join("\n", step(out, "seen"));
        assertTrue(seen.matches("(?s)\\* 3 FETCH \\(UID 3 FLAGS \\(\\\\Seen \\\\Flagged\\) BODY\\[TEXT] \\{8}\nbody 3\n"
                + MODSEQ + "\\)\ntagged OK .*"), seen);
        noModSeqForTheOtherSession(out);
    }

    /** w never enabled CONDSTORE: c's changes reach it as UID and FLAGS only. */
    private static void noModSeqForTheOtherSession(List<String> out) {
        matches(out, "other", "\\* 2 FETCH \\(UID 2 FLAGS \\(\\\\Answered \\$Todo \\\\Recent\\)\\)",
                "\\* 3 FETCH \\(UID 3 FLAGS \\(\\\\Seen \\\\Flagged \\\\Recent\\)\\)", "tagged OK .*");
    }

    @Test
    void withoutAnEnablingCommandNoModSeqIsSent() throws Exception {
        List<String> out = run("none");
        assertTrue(step(out, "select").stream().anyMatch(l -> l.matches("\\* OK \\[HIGHESTMODSEQ \\d+].*")),
                "HIGHESTMODSEQ with every SELECT (RFC 7162 3.1.2.1): " + out);
        matches(out, "told", "\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Flagged\\)\\)", "tagged OK .*");
        matches(out, "store", "\\* 2 FETCH \\(FLAGS \\(\\\\Answered\\)\\)", "tagged OK .*");
        matches(out, "uidstore", "\\* 2 FETCH \\(UID 2 FLAGS \\(\\\\Answered \\$Todo\\)\\)", "tagged OK .*");
        matches(out, "silent", "tagged OK .*");
        assertEquals(List.of("* 3 FETCH (FLAGS (\\Seen \\Flagged) BODY[TEXT] {8}", "body 3", ")",
                "tagged OK FETCH completed"), step(out, "seen"));
        noModSeqForTheOtherSession(out);
    }

    @Test
    void afterEnableCondstoreEveryFetchResponseCarriesModSeq() throws Exception {
        List<String> out = run("enable");
        assertEquals(List.of("* ENABLED CONDSTORE", "tagged OK ENABLE completed"), step(out, "enable"));
        modSeqsFrom(out, "told");
    }

    @Test
    void afterSelectCondstoreEveryFetchResponseCarriesModSeq() throws Exception {
        modSeqsFrom(run("select"), "told");
    }

    @Test
    void afterStatusHighestModSeqEveryFetchResponseCarriesModSeq() throws Exception {
        modSeqsFrom(run("status"), "told");
    }

    @Test
    void aFetchOfModSeqEnablesCondstoreFromThenOn() throws Exception {
        List<String> out = run("fetch");
        matches(out, "told", "\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Flagged\\)\\)", "tagged OK .*");
        matches(out, "fetch", "\\* 2 FETCH \\(MODSEQ \\(\\d+\\)\\)", "tagged OK .*");
        modSeqsFrom(out, "told2");
    }

    @Test
    void aSearchByModSeqEnablesCondstoreFromThenOn() throws Exception {
        List<String> out = run("search");
        matches(out, "told", "\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Flagged\\)\\)", "tagged OK .*");
        modSeqsFrom(out, "told2");
    }
}
