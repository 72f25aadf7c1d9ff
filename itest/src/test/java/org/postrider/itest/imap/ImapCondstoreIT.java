package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * session (RFC 7162 3.1), and from then on in every one, with UID. A SEARCH or SORT with a
 * MODSEQ key ends a non-empty answer with the highest MODSEQ of the messages it returns (RFC
 * 7162 3.1.5), also in ESEARCH form (RFC 4731 3.2).
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
            raw(c, 'seen2', 'FETCH 1 BODY[TEXT]')
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
        // a \\Seen set by a FETCH that did not ask for FLAGS: UID and MODSEQ too, then the flags
        String seen2 = String.join("\n", step(out, "seen2"));
        assertTrue(seen2.matches("(?s)\\* 1 FETCH \\(UID 1 BODY\\[TEXT] \\{8}\nbody 1\n" + MODSEQ + "\\)\n"
                + "\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Seen \\\\Flagged( \\$Work)?\\)" + MODSEQ + "\\)\ntagged OK .*"), seen2);
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
        assertEquals(List.of("* 1 FETCH (BODY[TEXT] {8}", "body 1", ")", "* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))",
                "tagged OK FETCH completed"), step(out, "seen2"));
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

    /**
     * c, in INBOX of five messages, flags 2, then 4, then keywords 3 (so 1 < 2 < 4 < 3 in MODSEQ), reads
     * every MODSEQ with FETCH, then searches and sorts; d enables IMAP4rev2, where SEARCH answers
     * in ESEARCH form. Each step prints its untagged lines with the tag as T, then "tagged" and
     * the tagged response without its tag.
     */
    private static final String RESULTS = ImapIT.PREAMBLE + """
            def session():
                m = tls(int(sys.argv[1])); ok(m.login('results@example.org', 'pw')); return m
            def raw(m, name, line):
                tag = m._new_tag().decode()
                m.send(('%s %s\\r\\n' % (tag, line)).encode())
                while True:
                    l = m.readline().decode().rstrip('\\r\\n')
                    if l.startswith(tag + ' '):
                        print(name, 'tagged', l[len(tag) + 1:])
                        return
                    print(name, l.replace('"%s"' % tag, '"T"'))
            c = session()
            for n in range(1, 6):
                ok(c.append('INBOX', None, None, b'Subject: m%d\\r\\n\\r\\nbody %d\\r\\n' % (n, n)))
            ok(c.select('INBOX'))
            ok(c.store('2', '+FLAGS', '(\\\\Flagged)'))
            ok(c.store('4', '+FLAGS', '(\\\\Flagged)'))
            ok(c.store('3', '+FLAGS', '($Todo)'))
            raw(c, 'settle', 'NOOP')
            raw(c, 'modseqs', 'FETCH 1:5 (MODSEQ)')
            raw(c, 'search', 'SEARCH FLAGGED MODSEQ 1')
            raw(c, 'uidsearch', 'UID SEARCH NOT FLAGGED MODSEQ 1')
            raw(c, 'notnone', 'SEARCH NOT MODSEQ 1')
            raw(c, 'none', 'SEARCH MODSEQ 1 SUBJECT nowhere')
            raw(c, 'nokey', 'SEARCH FLAGGED')
            raw(c, 'returnall', 'UID SEARCH RETURN () MODSEQ 1')
            raw(c, 'min', 'SEARCH RETURN (MIN) FLAGGED MODSEQ 1')
            raw(c, 'max', 'SEARCH RETURN (MAX) FLAGGED MODSEQ 1')
            raw(c, 'minmax', 'SEARCH RETURN (MIN MAX) OR FLAGGED KEYWORD $Todo MODSEQ 1')
            raw(c, 'count', 'SEARCH RETURN (COUNT MIN) OR FLAGGED KEYWORD $Todo MODSEQ 1')
            raw(c, 'count0', 'SEARCH RETURN (COUNT) MODSEQ 1 SUBJECT nowhere')
            raw(c, 'enokey', 'SEARCH RETURN () FLAGGED')
            raw(c, 'sort', 'SORT (REVERSE SUBJECT) UTF-8 FLAGGED MODSEQ 1')
            raw(c, 'uidsort', 'UID SORT (SUBJECT) UTF-8 MODSEQ 1')
            raw(c, 'sortnone', 'SORT (SUBJECT) UTF-8 MODSEQ 1 SUBJECT nowhere')
            raw(c, 'sortnokey', 'SORT (SUBJECT) UTF-8 FLAGGED')
            raw(c, 'esortmin', 'SORT RETURN (MIN) (REVERSE SUBJECT) UTF-8 FLAGGED MODSEQ 1')
            raw(c, 'esortall', 'UID SORT RETURN (ALL) (REVERSE SUBJECT) UTF-8 MODSEQ 1')
            d = session()
            raw(d, 'rev2', 'ENABLE IMAP4rev2')
            ok(d.select('INBOX'))
            raw(d, 'rev2search', 'SEARCH FLAGGED MODSEQ 1')
            raw(d, 'rev2none', 'SEARCH MODSEQ 1 SUBJECT nowhere')
            raw(d, 'rev2nokey', 'SEARCH FLAGGED')
            c.logout(); d.logout()
            """;

    @Test
    void aSearchOrSortByModSeqTellsTheHighestModSeqOfWhatItReturns() throws Exception {
        athena.admin("dir:user-add", "results@example.org", "pw").ok();
        String out = Python.run(athena.home(), RESULTS, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        System.out.println(out);
        List<String> lines = out.lines().toList();
        Map<Integer, Long> ms = new HashMap<>(); // message number (= UID here) to its MODSEQ, as FETCH shows it
        for (String l : step(lines, "modseqs")) {
            Matcher m = Pattern.compile("\\* (\\d) FETCH \\(MODSEQ \\((\\d+)\\)\\)").matcher(l);
            if (m.matches()) {
                ms.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        assertEquals(5, ms.size(), out);
        long all = ms.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long flagged = Math.max(ms.get(2), ms.get(4));
        assertTrue(ms.get(1) < ms.get(2) && ms.get(2) < ms.get(4) && ms.get(4) < ms.get(3) && all == ms.get(3),
                "each answer below tells a MODSEQ no other choice of messages has: " + ms);

        exactly(lines, "search", "* SEARCH 2 4 (MODSEQ " + flagged + ")");
        exactly(lines, "uidsearch", "* SEARCH 1 3 5 (MODSEQ " + ms.get(3) + ")");
        exactly(lines, "notnone", "* SEARCH");
        exactly(lines, "none", "* SEARCH");
        exactly(lines, "nokey", "* SEARCH 2 4");
        exactly(lines, "returnall", "* ESEARCH (TAG \"T\") UID ALL 1:5 MODSEQ " + all);
        exactly(lines, "min", "* ESEARCH (TAG \"T\") MIN 2 MODSEQ " + ms.get(2));
        exactly(lines, "max", "* ESEARCH (TAG \"T\") MAX 4 MODSEQ " + ms.get(4));
        exactly(lines, "minmax", "* ESEARCH (TAG \"T\") MIN 2 MAX 4 MODSEQ " + ms.get(4)); // of those two only
        exactly(lines, "count", "* ESEARCH (TAG \"T\") MIN 2 COUNT 3 MODSEQ " + all);
        exactly(lines, "count0", "* ESEARCH (TAG \"T\") COUNT 0");
        exactly(lines, "enokey", "* ESEARCH (TAG \"T\") ALL 2,4");
        exactly(lines, "sort", "* SORT 4 2 (MODSEQ " + flagged + ")");
        exactly(lines, "uidsort", "* SORT 1 2 3 4 5 (MODSEQ " + all + ")");
        exactly(lines, "sortnone", "* SORT");
        exactly(lines, "sortnokey", "* SORT 2 4");
        exactly(lines, "esortmin", "* ESEARCH (TAG \"T\") MIN 4 MODSEQ " + ms.get(4)); // first in sort order
        exactly(lines, "esortall", "* ESEARCH (TAG \"T\") UID ALL 5,4,3,2,1 MODSEQ " + all);
        exactly(lines, "rev2search", "* ESEARCH (TAG \"T\") ALL 2,4 MODSEQ " + flagged);
        exactly(lines, "rev2none", "* ESEARCH (TAG \"T\")");
        exactly(lines, "rev2nokey", "* ESEARCH (TAG \"T\") ALL 2,4");
    }

    /** The step answered with exactly {@code untagged}, then OK. */
    private static void exactly(List<String> out, String name, String untagged) {
        List<String> got = step(out, name);
        assertEquals(2, got.size(), name + ": " + got);
        assertEquals(untagged, got.get(0), name);
        assertTrue(got.get(1).startsWith("tagged OK "), name + ": " + got);
    }
}
