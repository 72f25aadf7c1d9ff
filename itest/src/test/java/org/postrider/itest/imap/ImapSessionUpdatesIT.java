package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * What other sessions do to the selected mailbox reaches an IMAP session (issue 12): another
 * IMAP session's flag changes and expunges, and a POP3 session's deletions, are told to an
 * idling session within a second of their tagged OK (or +OK), as plain FETCH FLAGS and
 * EXPUNGE lines numbered as the client counts (no QRESYNC here); outside IDLE, at the
 * session's next NOOP, once.
 */
class ImapSessionUpdatesIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;

    /**
     * imaplib sessions and an idler's reader: {@code told} reads untagged lines until they say
     * what is awaited, at most 10 s (the socket's timeout), and returns how long that took.
     */
    static final String PREAMBLE = ImapIT.PREAMBLE + """
            import time, re
            def session(user):
                m = tls(int(sys.argv[1])); ok(m.login(user, 'pw')); return m
            def idle(m):
                tag = m._new_tag()
                m.send(tag + b' IDLE\\r\\n')
                print('idle', m.readline().decode().strip())
                return tag.decode()
            def told(m, done, seconds=10):
                m.sock.settimeout(seconds)
                start = time.monotonic(); lines = []
                while not done(lines):
                    lines.append(m.readline().decode().rstrip('\\r\\n'))
                return lines, time.monotonic() - start
            def done(m, tag):
                m.send(b'DONE\\r\\n')
                lines, _ = told(m, lambda ls: ls and ls[-1].startswith(tag + ' '))
                print('done', lines[-1])
            def report(name, lines, waited):
                for l in lines:
                    print(name, l)
                print(name, 'waited %.3f' % waited)
            def expunges(n):
                return lambda ls: sum(1 for l in ls if l.endswith(' EXPUNGE')) == n
            def fetches(ls):
                return any(' FETCH ' in l for l in ls)
            """;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
    }

    private static String run(String user, String script, String... more) throws Exception {
        athena.admin("dir:user-add", user, "pw").ok();
        String[] args = new String[more.length + 1];
        args[0] = String.valueOf(athena.listenerPort("imaps"));
        System.arraycopy(more, 0, args, 1, more.length);
        String out = Python.run(athena.home(), PREAMBLE + script, args).ok().out();
        System.out.println(out);
        return out;
    }

    /** The lines of one step of a script's output, without the step's name. */
    private static List<String> step(String out, String name) {
        return out.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1)).toList();
    }

    private static final Pattern FETCH_FLAGS = Pattern.compile("^\\* (\\d+) FETCH \\(.*FLAGS \\(([^)]*)\\).*\\)$");

    /** The flags an untagged FETCH of message {@code n} tells in a step (it must tell exactly one). */
    private static Set<String> fetchedFlags(String out, String name, int n) {
        List<Set<String>> found = step(out, name).stream().map(FETCH_FLAGS::matcher).filter(Matcher::matches)
                .filter(m -> Integer.parseInt(m.group(1)) == n)
                .map(m -> (Set<String>) new TreeSet<>(Arrays.asList(m.group(2).split(" ")))).toList();
        assertEquals(1, found.size(), name + ": one FETCH of message " + n + " in\n" + out);
        Set<String> flags = new TreeSet<>(found.getFirst());
        flags.remove("");
        return flags;
    }

    private static void withinASecond(String out, String name) {
        double waited = step(out, name).stream().filter(l -> l.startsWith("waited ")).mapToDouble(
                l -> Double.parseDouble(l.substring("waited ".length()))).findFirst().orElseThrow();
        assertTrue(waited < 1.0, name + ": told within a second of the other session's OK (issue 12): " + waited);
    }

    private static List<String> expungeLines(String out, String name) {
        return step(out, name).stream().filter(l -> l.endsWith(" EXPUNGE")).toList();
    }

    @Test
    void anotherSessionsFlagChangesAndExpungesAreToldToAnIdlingSessionAtOnce() throws Exception {
        String out = run("ida@example.org", """
                w = session('ida@example.org')
                for n in range(1, 6):
                    ok(w.append('INBOX', None, None, b'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % n))
                ok(w.select('INBOX'))  # first: it takes the \\Recent, so the idler is told the stored flags only
                i = session('ida@example.org')
                typ, data = i.select('INBOX')
                assert data == [b'5'], data
                tag = idle(i)

                ok(w.store('2', '+FLAGS', '(\\\\Flagged $Label1)'))
                report('flagged', *told(i, fetches))
                ok(w.store('2', '-FLAGS', '($Label1)'))
                report('unlabelled', *told(i, fetches))
                ok(w.store('4', 'FLAGS', '(\\\\Answered \\\\Seen)'))
                report('replaced', *told(i, fetches))

                ok(w.store('3', '+FLAGS', '(\\\\Deleted)'))
                ok(w.expunge())
                report('expunged', *told(i, expunges(1)))
                # UIDs 1 and 5: numbers 1 and 4 before, 1 and 3 as the client counts (each after the ones before)
                ok(w.uid('STORE', '1,5', '+FLAGS', '(\\\\Deleted)'))
                ok(w.expunge())
                report('two', *told(i, expunges(2)))

                done(i, tag)
                print('after', ok(i.fetch('1:*', '(UID FLAGS)')))
                i.logout(); w.logout()
                """);
        assertTrue(out.contains("idle + idling"), out);
        assertEquals(Set.of("\\Flagged", "$Label1"), fetchedFlags(out, "flagged", 2));
        assertEquals(Set.of("\\Flagged"), fetchedFlags(out, "unlabelled", 2));
        assertEquals(Set.of("\\Answered", "\\Seen"), fetchedFlags(out, "replaced", 4));
        assertEquals(List.of("* 3 EXPUNGE"), expungeLines(out, "expunged"), out);
        assertEquals(List.of("* 1 EXPUNGE", "* 3 EXPUNGE"), expungeLines(out, "two"), out);
        for (String s : List.of("flagged", "unlabelled", "replaced", "expunged", "two")) {
            withinASecond(out, s);
        }
        assertTrue(out.contains(" OK IDLE terminated"), out);
        Matcher after = Pattern.compile("after \\[b'1 \\(UID 2 FLAGS \\(\\\\\\\\Flagged\\)\\)', "
                + "b'2 \\(UID 4 FLAGS \\(([^)]*)\\)\\)']").matcher(out);
        assertTrue(after.find(), "the idler's numbers are the server's: " + out);
        assertEquals(Set.of("\\Answered", "\\Seen"), Set.of(after.group(1).replace("\\\\", "\\").split(" ")));
    }

    @Test
    void aPop3SessionsDeletionIsToldToAnIdlingSessionAtOnce() throws Exception {
        String out = run("pia@example.org", """
                import poplib
                i = session('pia@example.org')
                for n in range(1, 4):
                    ok(i.append('INBOX', None, None, b'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % n))
                typ, data = i.select('INBOX')
                assert data == [b'3'], data
                tag = idle(i)

                p = poplib.POP3('127.0.0.1', int(sys.argv[2])); p.stls(ctx)
                p.user('pia@example.org'); p.pass_('pw')
                print('stat', *p.stat())
                print('dele', p.dele(2).decode())
                print('quit', p.quit().decode())
                report('pop3', *told(i, expunges(1)))

                done(i, tag)
                print('after', ok(i.fetch('1:*', '(UID)')))
                i.logout()
                """, String.valueOf(athena.listenerPort("pop3")));
        assertTrue(out.contains("stat 3 ") && out.contains("quit +OK"), out);
        assertEquals(List.of("* 2 EXPUNGE"), expungeLines(out, "pop3"), out);
        withinASecond(out, "pop3");
        assertTrue(out.contains("after [b'1 (UID 1)', b'2 (UID 3)']"), out);
    }

    @Test
    void anotherSessionsFlagChangeIsToldToASelectedSessionAtItsNextNoop() throws Exception {
        String out = run("noa@example.org", """
                w = session('noa@example.org')
                for n in range(1, 4):
                    ok(w.append('INBOX', None, None, b'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % n))
                ok(w.select('INBOX'))  # first: it takes the \\Recent
                r = session('noa@example.org')
                ok(r.select('INBOX'))
                print('quiet', ok(r.noop()), r.response('FETCH'))
                ok(w.store('2', '+FLAGS', '(\\\\Flagged $Label1)'))
                print('added', ok(r.noop()), r.response('FETCH'))
                ok(w.store('2', '-FLAGS', '(\\\\Flagged)'))
                ok(w.store('3', '+FLAGS', '(\\\\Seen)'))
                print('changed', ok(r.noop()), r.response('FETCH'))
                print('again', ok(r.noop()), r.response('FETCH'))
                r.logout(); w.logout()
                """);
        assertTrue(out.contains("quiet [b'NOOP completed'] ('FETCH', [None])"), "nothing to tell yet: " + out);
        Matcher added = Pattern.compile("added \\[b'NOOP completed'] \\('FETCH', \\[b'2 \\(UID 2 FLAGS \\(([^)]*)\\)")
                .matcher(out);
        assertTrue(added.find(), out);
        assertEquals(Set.of("\\Flagged", "$Label1"), Set.of(added.group(1).replace("\\\\", "\\").split(" ")), out);
        Matcher changed = Pattern.compile("changed \\[b'NOOP completed'] \\('FETCH', \\[b'2 \\(UID 2 FLAGS \\(\\$Label1\\)"
                + "[^']*', b'3 \\(UID 3 FLAGS \\(\\\\\\\\Seen\\)[^']*'\\]\\)").matcher(out);
        assertTrue(changed.find(), "both changes, each message once, with its flags now: " + out);
        assertTrue(out.contains("again [b'NOOP completed'] ('FETCH', [None])"), "told once: " + out);
    }
}
