package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.ProcessState;
import org.postrider.itest.harness.Python;

/**
 * Flags set by STORE persist (issue 12): across a stop and start through bin/postrider, and
 * across a kill -9 right after the last STORE's tagged OK, a new session sees exactly the
 * flags imaplib stored (added, removed, replaced, \Deleted set and unset, a keyword), under
 * the same UIDVALIDITY and UIDs.
 */
class ImapFlagsRestartIT {
    @RegisterExtension
    final Instances instances = new Instances();

    /** The flags each UID is left with (UIDs 1 to 5 in order); \Recent is a session's, not stored. */
    private static final Map<Long, Set<String>> EXPECTED = Map.of(
            1L, Set.of("\\Flagged", "\\Seen"),
            2L, Set.of("\\Answered", "$Label1"),
            3L, Set.of(),
            4L, Set.of("\\Deleted", "$Label1"),
            5L, Set.of());

    /**
     * Appends five messages, stores flags on them one STORE at a time (each waits for its OK),
     * prints the mailbox as a fresh session sees it; with a PID as third argument, kills the
     * server with SIGKILL the moment the last STORE's OK is read, the session still open.
     */
    private static final String STORE = ImapIT.PREAMBLE + """
            import os, signal
            m = tls(int(sys.argv[1])); ok(m.login('fay@example.org', 'pw'))
            for n in range(1, 6):
                ok(m.append('INBOX', None, None, b'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % n))
            ok(m.select('INBOX'))
            print('uidvalidity', m.response('UIDVALIDITY')[1][0].decode())
            ok(m.store('1', '+FLAGS', '(\\\\Flagged \\\\Seen)'))
            ok(m.store('2', '+FLAGS', '(\\\\Answered \\\\Flagged $Label1)'))
            ok(m.store('2', '-FLAGS', '(\\\\Flagged)'))
            ok(m.store('3', '+FLAGS', '(\\\\Deleted)'))
            ok(m.store('3', '-FLAGS', '(\\\\Deleted)'))
            ok(m.store('4', 'FLAGS', '(\\\\Deleted $Label1)'))
            if len(sys.argv) > 2:
                os.kill(int(sys.argv[2]), signal.SIGKILL)
                print('killed')
            else:
                m.logout()
            """;

    private static final String READ = ImapIT.PREAMBLE + """
            m = tls(int(sys.argv[1])); ok(m.login('fay@example.org', 'pw'))
            ok(m.select('INBOX'))
            print('uidvalidity', m.response('UIDVALIDITY')[1][0].decode())
            for line in ok(m.uid('FETCH', '1:*', '(UID FLAGS)')):
                print('fetched', line.decode())
            m.logout()
            """;

    private static final Pattern UIDVALIDITY = Pattern.compile("(?m)^uidvalidity (\\d+)$");
    private static final Pattern FETCHED = Pattern.compile("(?m)^fetched \\d+ \\(UID (\\d+) FLAGS \\(([^)]*)\\)\\)$");

    private static Instance start(Instances instances) throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
        athena.admin("dir:user-add", "fay@example.org", "pw").ok();
        return athena;
    }

    private static String uidValidity(String out) {
        Matcher m = UIDVALIDITY.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    /** UID to flags, \Recent left out. */
    private static Map<Long, Set<String>> flags(String out) {
        Map<Long, Set<String>> flags = new TreeMap<>();
        Matcher m = FETCHED.matcher(out);
        while (m.find()) {
            Set<String> f = new TreeSet<>(Arrays.asList(m.group(2).split(" ")));
            f.remove("");
            f.remove("\\Recent");
            flags.put(Long.parseLong(m.group(1)), f);
        }
        return flags;
    }

    private static void assertSeenAgain(Instance athena, String validity) throws Exception {
        String port = String.valueOf(athena.listenerPort("imaps"));
        String out = Python.run(athena.home(), READ, port).ok().out();
        assertEquals(validity, uidValidity(out), "the same UIDVALIDITY: " + out);
        assertEquals(new TreeMap<>(EXPECTED), flags(out), "the same UIDs with exactly the stored flags: " + out);
    }

    @Test
    void storedFlagsAreSeenAgainAfterAStopAndAStart() throws Exception {
        Instance athena = start(instances);
        String out = Python.run(athena.home(), STORE, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        String validity = uidValidity(out);
        assertSeenAgain(athena, validity); // before: the expected view is the server's view

        athena.stop();
        athena.start();
        assertSeenAgain(athena, validity);
    }

    @Test
    void flagsWhoseStoreWasAnsweredOkSurviveAKillNine() throws Exception {
        Instance athena = start(instances);
        long pid = athena.process().orElseThrow().pid();
        String out = Python.run(athena.home(), STORE, String.valueOf(athena.listenerPort("imaps")),
                String.valueOf(pid)).ok().out();
        assertTrue(out.contains("killed"), out);
        ProcessState.awaitEnded(pid);

        athena.start();
        assertSeenAgain(athena, uidValidity(out));
    }
}
