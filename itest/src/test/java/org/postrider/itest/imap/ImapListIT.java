package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * LIST through the distribution with imaplib: plain LIST and LSUB with "%" levels above
 * listed names, LIST-EXTENDED selection and return options, LIST-STATUS, and DELETE of a
 * folder that has sub-folders (its name stays, \Noselect).
 */
class ImapListIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int imaps;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
        imaps = athena.listenerPort("imaps");
    }

    /** Runs LIST-like commands, printing each one's untagged responses on a line, after "== command". */
    private static List<String> session(String user, String script) throws Exception {
        athena.admin("dir:user-add", user, "pw").ok();
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                m = tls(int(sys.argv[1]))
                ok(m.login(sys.argv[2], 'pw'))
                def run(name, *args):
                    try:
                        typ, dat = m._simple_command(name, *args)
                    except imaplib.IMAP4.error:
                        typ = 'BAD'
                    print('==', name, ' '.join(args), typ)
                    for kind in ('LIST', 'LSUB', 'STATUS'):
                        typ2, got = m._untagged_response(typ, [None], kind)
                        for g in got:
                            if g is not None:
                                print(kind, g.decode())
                """ + script + """
                m.logout()
                """, String.valueOf(imaps), user).ok().out();
        return Arrays.asList(out.split("\n"));
    }

    /** The lines between "== command" and the next "==". */
    private static List<String> answer(List<String> out, String command) {
        int i = out.indexOf("== " + command);
        if (i < 0) {
            throw new AssertionError("no " + command + " in " + out);
        }
        int j = i + 1;
        while (j < out.size() && !out.get(j).startsWith("==")) {
            j++;
        }
        return out.subList(i + 1, j).stream().sorted().toList();
    }

    @Test
    void levelsAboveListedNamesAndDeleteOfAFolderWithSubFolders() throws Exception {
        List<String> out = session("lee@example.org", """
                for f in ('Work/2026/Q1', 'Work/Old'):
                    ok(m.create(f))
                run('LIST', '""', '%')
                run('LIST', '""', 'Work/%')
                ok(m.delete('Work'))
                run('LIST', '""', '"%"')
                run('LIST', '""', 'Work*')
                run('DELETE', 'Work')
                """);
        assertEquals(List.of("LIST (\\HasChildren) \"/\" Work", "LIST (\\HasNoChildren \\Subscribed \\Archive) \"/\" Archive",
                "LIST (\\HasNoChildren \\Subscribed \\Drafts) \"/\" Drafts", "LIST (\\HasNoChildren \\Subscribed \\Junk) \"/\" Junk",
                "LIST (\\HasNoChildren \\Subscribed \\Sent) \"/\" Sent", "LIST (\\HasNoChildren \\Subscribed \\Trash) \"/\" Trash",
                "LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX"), answer(out, "LIST \"\" % OK"));
        assertEquals(List.of("LIST (\\HasChildren) \"/\" Work/2026", "LIST (\\HasNoChildren) \"/\" Work/Old"),
                answer(out, "LIST \"\" Work/% OK"));
        assertEquals(true, answer(out, "LIST \"\" \"%\" OK").contains("LIST (\\Noselect \\HasChildren) \"/\" Work"),
                "a deleted folder's name stays while it has sub-folders: " + out);
        assertEquals(List.of("LIST (\\HasChildren) \"/\" Work/2026", "LIST (\\HasNoChildren) \"/\" Work/2026/Q1",
                "LIST (\\HasNoChildren) \"/\" Work/Old"), answer(out, "LIST \"\" Work* OK"),
                "\"*\" lists the sub-folders, not the deleted level above them: " + out);
        assertEquals(List.of(), answer(out, "DELETE Work NO"), "a name that is only a level cannot be deleted: " + out);
    }

    @Test
    void subscribedRecursiveMatchSpecialUseAndStatus() throws Exception {
        List<String> out = session("liz@example.org", """
                for f in ('Lists/rust', 'Lists/java', 'Gone'):
                    ok(m.create(f))
                ok(m.subscribe('Lists/rust'))
                ok(m.subscribe('Gone'))
                ok(m.delete('Gone'))
                ok(m.append('Lists/rust', '(\\\\Seen)', None, b'Subject: a\\r\\n\\r\\none\\r\\n'))
                ok(m.append('Lists/rust', None, None, b'Subject: b\\r\\n\\r\\ntwo\\r\\n'))
                run('LIST', '(SUBSCRIBED)', '""', '*')
                run('LIST', '(SUBSCRIBED RECURSIVEMATCH)', '""', '%')
                run('LSUB', '""', '%')
                run('LIST', '(SPECIAL-USE)', '""', '*')
                run('LIST', '""', '(INBOX Lists/*)', 'RETURN', '(STATUS (MESSAGES UNSEEN))')
                run('LIST', '(RECURSIVEMATCH)', '""', '*')
                """);
        // INBOX and the special-use folders start subscribed
        List<String> subscribed = answer(out, "LIST (SUBSCRIBED) \"\" * OK");
        assertEquals(true, subscribed.contains("LIST (\\HasNoChildren \\Subscribed) \"/\" Lists/rust"), out.toString());
        assertEquals(true, subscribed.contains("LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" Gone"),
                "a subscription outlives its folder: " + out);
        assertEquals(false, subscribed.stream().anyMatch(l -> l.contains("Lists/java") || l.endsWith(" Lists")), out.toString());
        assertEquals(true, answer(out, "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % OK")
                .contains("LIST (\\HasChildren) \"/\" Lists (\"CHILDINFO\" (\"SUBSCRIBED\"))"), out.toString());
        assertEquals(true, answer(out, "LSUB \"\" % OK").contains("LSUB (\\Noselect) \"/\" Lists"), out.toString());
        assertEquals(List.of("LIST (\\HasNoChildren \\Subscribed \\Archive) \"/\" Archive",
                "LIST (\\HasNoChildren \\Subscribed \\Drafts) \"/\" Drafts",
                "LIST (\\HasNoChildren \\Subscribed \\Junk) \"/\" Junk",
                "LIST (\\HasNoChildren \\Subscribed \\Sent) \"/\" Sent",
                "LIST (\\HasNoChildren \\Subscribed \\Trash) \"/\" Trash"), answer(out, "LIST (SPECIAL-USE) \"\" * OK"));
        assertEquals(List.of("LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX", "LIST (\\HasNoChildren \\Subscribed) \"/\" Lists/rust",
                "LIST (\\HasNoChildren) \"/\" Lists/java", "STATUS INBOX (MESSAGES 0 UNSEEN 0)",
                "STATUS Lists/java (MESSAGES 0 UNSEEN 0)", "STATUS Lists/rust (MESSAGES 2 UNSEEN 1)"),
                answer(out, "LIST \"\" (INBOX Lists/*) RETURN (STATUS (MESSAGES UNSEEN)) OK"));
        assertEquals(List.of(), answer(out, "LIST (RECURSIVEMATCH) \"\" * BAD"));
    }
}
