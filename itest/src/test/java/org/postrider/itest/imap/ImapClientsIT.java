package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.Required;
import org.postrider.itest.harness.TestCa;

/**
 * IMAP through the distribution with the clients people run: mbsync (isync), mutt, curl and
 * fetchmail. The server is given a certificate of a private CA made for the test, as an
 * administrator would (README, "Giving IMAP and POP3 clients a certificate they trust"), and
 * every client verifies it against that CA with no switch that turns verification off; a CA
 * the clients do not know is refused. The POP3 listeners get the same certificate, and
 * fetchmail checks it there too.
 */
class ImapClientsIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    static Instance athena;
    static TestCa ca;
    static TestCa stranger;
    static int imap;
    static int imaps;
    static int pop3s;
    static int smtp;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        ca = TestCa.create(athena.home().resolve("tls"), "athena");
        stranger = TestCa.create(athena.home().resolve("tls-stranger"), "stranger");
        Map<String, String> cfg = new HashMap<>(ca.listenerKeys());
        cfg.putAll(Map.of("port", "0", "tlsPort", "0", "authFailureDelay", "200ms"));
        athena.config("org.postrider.imap", cfg);
        athena.config("org.postrider.pop3", cfg);
        athena.start();
        imap = athena.listenerPort("imap");
        imaps = athena.listenerPort("imaps");
        pop3s = athena.listenerPort("pop3s");
        smtp = athena.listenerPort("smtp");
    }

    private static void user(String local) throws Exception {
        athena.admin("dir:user-add", local + "@example.org", local + "-pw").ok();
    }

    private static String message(String tag, int minute) {
        return "From: Carol <carol@example.net>\r\nTo: someone@example.org\r\nSubject: " + tag
                + "\r\nDate: Wed, 4 Mar 2026 09:" + String.format("%02d", minute) + ":00 +0000\r\nMessage-ID: <" + tag
                + "@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody of " + tag + "\r\n";
    }

    /** Delivers one message a tag to local@example.org through the server's SMTP port, and waits until stored. */
    private static void smtp(String local, String... tags) throws Exception {
        StringBuilder py = new StringBuilder("import smtplib, sys\ns = smtplib.SMTP('127.0.0.1', int(sys.argv[1]))\n");
        for (int i = 0; i < tags.length; i++) {
            py.append("s.sendmail('carol@example.net', ['").append(local).append("@example.org'], ")
                    .append("'''").append(message(tags[i], i).replace("\r\n", "\\r\\n")).append("'''.encode())\n");
        }
        py.append("s.quit()\n");
        Python.run(athena.home(), py.toString(), String.valueOf(smtp)).ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
    }

    /** Runs Python's imaplib as local over implicit TLS, verifying the server against the test CA. */
    private static String imaplib(String local, String script) throws Exception {
        return Python.run(athena.home(), """
                import imaplib, ssl, sys, re
                ctx = ssl.create_default_context(cafile=sys.argv[2])
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login(sys.argv[3], sys.argv[4])
                def ok(r):
                    assert r[0] == 'OK', r
                    return r[1]
                def uid_of(folder, tag):
                    ok(m.select(folder))
                    uids = ok(m.uid('SEARCH', None, 'HEADER', 'Message-ID', '<%s@example.net>' % tag))[0].split()
                    assert len(uids) == 1, (folder, tag, uids)
                    return uids[0].decode()
                """ + script, String.valueOf(imaps), ca.caFile().toString(), local + "@example.org", local + "-pw")
                .ok().out();
    }

    /**
     * What the server holds for local: one line "folder message-id flags" a message, sorted,
     * flags sorted and \Recent left out (it is the session's, not the message's).
     */
    private static String serverState(String local) throws Exception {
        String out = imaplib(local, """
                lines = []
                for n in ok(m.list()):
                    line = n.decode()
                    if '\\\\Noselect' in line or '\\\\NonExistent' in line:
                        continue
                    name = re.match(r'\\(.*?\\) (?:"."|NIL) (.*)$', line).group(1).strip('"')
                    count = int(ok(m.select(name, readonly=True))[0])
                    if count == 0:
                        continue
                    data = ok(m.fetch('1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])'))
                    for i, item in enumerate(data):
                        if not isinstance(item, tuple):
                            continue
                        rest = data[i + 1] if i + 1 < len(data) and isinstance(data[i + 1], bytes) else b''
                        meta = item[0].decode() + rest.decode()
                        flags = re.search(r'FLAGS \\(([^)]*)\\)', meta).group(1).split()
                        mid = re.search(rb'<([^>]*)@example.net>', item[1]).group(1).decode()
                        lines.append('%s %s %s' % (name, mid, ' '.join(sorted(f for f in flags if f != '\\\\Recent'))))
                for l in sorted(lines):
                    print(l.rstrip())
                m.logout()
                """);
        return out;
    }

    private static final Map<Character, String> MAILDIR_FLAGS = Map.of('D', "\\Draft", 'F', "\\Flagged", 'R',
            "\\Answered", 'S', "\\Seen", 'T', "\\Deleted");

    /** The same lines for a client's Maildir tree (INBOX at inbox, other folders under folders). */
    private static String maildirState(Path inbox, Path folders) throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, Path> all = new TreeMap<>();
        all.put("INBOX", inbox);
        if (Files.isDirectory(folders)) {
            try (Stream<Path> s = Files.walk(folders)) {
                s.filter(d -> Files.isDirectory(d.resolve("cur")))
                        .forEach(d -> all.put(folders.relativize(d).toString(), d));
            }
        }
        for (Map.Entry<String, Path> folder : all.entrySet()) {
            for (Path file : athena.messages(folder.getValue())) {
                String name = file.getFileName().toString();
                TreeSet<String> flags = new TreeSet<>();
                int info = name.indexOf(":2,");
                if (info >= 0) {
                    for (char c : name.substring(info + 3).toCharArray()) {
                        flags.add(MAILDIR_FLAGS.getOrDefault(c, "?" + c));
                    }
                }
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?im)^Message-ID: <([^>]*)@example.net>")
                        .matcher(text);
                lines.add((folder.getKey() + " " + (id.find() ? id.group(1) : "(none)") + " " + String.join(" ", flags))
                        .strip());
            }
        }
        lines.sort(null);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    private static Path writeMaildirMessage(Path folder, String sub, String tag, String info) throws Exception {
        for (String d : List.of("cur", "new", "tmp")) {
            Files.createDirectories(folder.resolve(d));
        }
        Path file = folder.resolve(sub).resolve("1772614800." + tag + ".client" + info);
        Files.writeString(file, message(tag, 30));
        return file;
    }

    /** The one message file (in a new/ or cur/) of the message tagged tag under dir. */
    private static Path maildirFile(Path dir, String tag) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> found = s.filter(Files::isRegularFile)
                    .filter(p -> List.of("new", "cur").contains(p.getParent().getFileName().toString())).filter(p -> {
                try {
                    return Files.readString(p, StandardCharsets.ISO_8859_1).contains("<" + tag + "@example.net>");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(1, found.size(), tag + ": " + found);
            return found.get(0);
        }
    }

    @Test
    void mbsyncSyncsAWholeAccountBothWaysTwiceWithNoDuplicatesAndNoLoss() throws Exception {
        Required.tool("/usr/bin/mbsync", "mbsync (Debian's isync) as an IMAP client");
        user("mia");
        smtp("mia", "in1", "in2", "in3", "pr1");
        imaplib("mia", """
                ok(m.create('Projects'))
                u = uid_of('INBOX', 'pr1')
                ok(m.uid('COPY', u, 'Projects'))
                ok(m.uid('STORE', u, '+FLAGS', '(\\\\Deleted)'))
                ok(m.expunge())
                ok(m.uid('STORE', uid_of('INBOX', 'in1'), '+FLAGS', '(\\\\Seen)'))
                m.logout()
                """);
        Path local = athena.home().resolve("mbsync");
        Path inbox = local.resolve("INBOX");
        Path folders = local.resolve("folders");
        writeMaildirMessage(inbox, "new", "loc1", "");
        writeMaildirMessage(inbox, "cur", "loc2", ":2,S");
        writeMaildirMessage(folders.resolve("Projects"), "new", "loc4", "");
        writeMaildirMessage(folders.resolve("Local"), "new", "loc3", "");
        String before = maildirState(inbox, folders);

        Exec.Result refused = mbsync(mbsyncConfig(local, "IMAPS", imaps, stranger.caFile()));
        assertNotEquals(0, refused.exit(), "a certificate of a CA mbsync does not trust:\n" + refused.err());
        assertTrue(refused.err().contains("certificate"), refused.err());
        assertEquals(before, maildirState(inbox, folders), "nothing synced through a refused connection");

        Path overImaps = mbsyncConfig(local, "IMAPS", imaps, ca.caFile());
        Path overStarttls = mbsyncConfig(local, "STARTTLS", imap, ca.caFile());
        Exec.Result first = mbsync(overImaps).ok();
        assertTrue(first.out().contains(MBSYNC_SCRAM), "mbsync logs in with SCRAM as it comes:\n" + first.out());
        String union = """
                INBOX in1 \\Seen
                INBOX in2
                INBOX in3
                INBOX loc1
                INBOX loc2 \\Seen
                Local loc3
                Projects loc4
                Projects pr1
                """;
        assertEquals(union, serverState("mia"), "the server after the first sync");
        assertEquals(union, maildirState(inbox, folders), "the Maildir after the first sync");

        // Changes on both sides: flags, a deletion and a new message each.
        Path in2 = maildirFile(inbox, "in2");
        Files.move(in2, inbox.resolve("cur").resolve(in2.getFileName().toString().replaceAll(":2,.*$", "") + ":2,F"));
        Files.delete(maildirFile(inbox, "loc1"));
        writeMaildirMessage(folders.resolve("Local"), "new", "loc5", "");
        imaplib("mia", """
                ok(m.uid('STORE', uid_of('Projects', 'pr1'), '+FLAGS', '(\\\\Seen \\\\Answered)'))
                ok(m.uid('STORE', uid_of('INBOX', 'in3'), '+FLAGS', '(\\\\Deleted)'))
                ok(m.expunge())
                m.logout()
                """);
        smtp("mia", "new1");
        mbsync(overStarttls).ok();
        String changed = """
                INBOX in1 \\Seen
                INBOX in2 \\Flagged
                INBOX loc2 \\Seen
                INBOX new1
                Local loc3
                Local loc5
                Projects loc4
                Projects pr1 \\Answered \\Seen
                """;
        assertEquals(changed, serverState("mia"), "the server after the second sync");
        assertEquals(changed, maildirState(inbox, folders), "the Maildir after the second sync");

        Exec.Result third = mbsync(overImaps).ok();
        assertEquals(changed, serverState("mia"), "a sync with nothing to do changes nothing on the server:\n"
                + third.out() + third.err());
        assertEquals(changed, maildirState(inbox, folders), "nor in the Maildir");
    }

    /**
     * The configuration of mia's sync over tls ("IMAPS" or "STARTTLS") trusting the CA in
     * trusted. AuthMechs left as it comes: mbsync authenticates through Cyrus SASL, which picks
     * SCRAM-SHA-256 and refuses an iteration count above 65536 (then hangs until the server's
     * timeout), so this is what tells that the file directory's keys are within its reach.
     */
    private static Path mbsyncConfig(Path local, String tls, int port, Path trusted) throws Exception {
        return mbsyncConfig("mia", local, tls, port, trusted);
    }

    private static Path mbsyncConfig(String user, Path local, String tls, int port, Path trusted) throws Exception {
        Path cfg = athena.home().resolve("mbsyncrc-" + user + "-" + tls + "-" + trusted.getParent().getFileName());
        Files.writeString(cfg, """
                IMAPAccount server
                Host localhost
                Port %d
                User %s@example.org
                Pass %s-pw
                SSLType %s
                SystemCertificates no
                CertificateFile %s

                IMAPStore server
                Account server

                MaildirStore local
                Path %s/
                Inbox %s
                SubFolders Verbatim

                Channel %s
                Far :server:
                Near :local:
                Patterns *
                Create Both
                Expunge Both
                SyncState *
                """.formatted(port, user, user, tls, trusted, local.resolve("folders"), local.resolve("INBOX"), user));
        return cfg;
    }

    /** Runs mbsync verbosely (-V), which names the SASL mechanism it authenticates with. */
    private static Exec.Result mbsync(Path cfg, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("mbsync", "-V", "-c", cfg.toString()));
        command.addAll(args.length > 0 ? List.of(args) : List.of("-a"));
        return Exec.run(command, athena.home(), Map.of("HOME", athena.home().toString()), CLIENT_TIMEOUT);
    }

    private static final String MBSYNC_SCRAM = "Authenticating with SASL mechanism SCRAM-SHA-256";

    /**
     * A user whose hash was made at 600,000 iterations (as the first releases did) logs in
     * once with a password; the directory redoes the hash at its count, within libsasl2's
     * 65536, and from then on mbsync logs in with SCRAM-SHA-256.
     */
    @Test
    void aPasswordLoginBringsAnOldHashWithinMbsyncsScramReach() throws Exception {
        Required.tool("/usr/bin/mbsync", "mbsync (Debian's isync) as an IMAP client");
        Path directory = athena.home().resolve("data/directory/directory.txt");
        String pid = "org.postrider.directory.file";
        athena.config(pid, Map.of("passwordIterations", "600000"));
        // The change is read live: the password is set (again) until the hash shows the count.
        Await.until("olga's hash made at 600,000 iterations", Duration.ofSeconds(20), () -> {
            athena.admin("dir:user-" + (Files.readString(directory).contains("user olga@") ? "passwd" : "add"),
                    "olga@example.org", "olga-pw").ok();
            return Files.readString(directory);
        }, d -> hashOf(d, "olga").startsWith("scram-sha-256$600000$"));

        athena.config(pid, Map.of("passwordIterations", "65536"));
        Await.until("olga's hash redone at 65,536 by a password login", Duration.ofSeconds(20), () -> {
            imaplib("olga", "m.logout()");
            return Files.readString(directory);
        }, d -> hashOf(d, "olga").startsWith("scram-sha-256$65536$"));

        Path local = athena.home().resolve("mbsync-olga");
        Files.createDirectories(local.resolve("folders"));
        Files.createDirectories(local.resolve("INBOX"));
        Exec.Result listed = mbsync(mbsyncConfig("olga", local, "IMAPS", imaps, ca.caFile()), "-l", "olga").ok();
        assertTrue(listed.out().contains(MBSYNC_SCRAM), listed.out() + listed.err());
        assertTrue(listed.out().contains("INBOX"), listed.out());
    }

    /** The hash= of a user in the directory file's text. */
    private static String hashOf(String directoryText, String local) {
        for (String line : directoryText.split("\n")) {
            if (line.startsWith("user " + local + "@")) {
                return line.replaceAll("^.* hash=(\\S+).*$", "$1");
            }
        }
        return "";
    }

    @Test
    void curlListsSearchesAndFetchesOverImapsAndStarttls() throws Exception {
        Required.tool("/usr/bin/curl", "curl as an IMAP client");
        user("cy");
        smtp("cy", "c1", "c2");
        List<Path> stored = athena.messages(athena.inbox("cy", "example.org"));
        assertEquals(2, stored.size());
        String base = "imaps://127.0.0.1:" + imaps + "/";

        Exec.Result refused = curl("--cacert", stranger.caFile().toString(), base);
        assertEquals(60, refused.exit(), "curl refuses a certificate of a CA it does not trust: " + refused.err());

        String list = curl("--cacert", ca.caFile().toString(), base).ok().out();
        assertTrue(list.contains("* LIST (") && list.contains(" INBOX\r\n"), list);
        // Delivery runs in parallel: UIDs follow the order of storing, not of sending.
        String uids = imaplib("cy", "print(uid_of('INBOX', 'c1'), uid_of('INBOX', 'c2'))").strip();
        String c1 = uids.split(" ")[0];
        String c2 = uids.split(" ")[1];
        String search = curl("--cacert", ca.caFile().toString(), base + "INBOX?SUBJECT%20c2").ok().out();
        assertEquals("* SEARCH " + (Integer.parseInt(c2) < Integer.parseInt(c1) ? 1 : 2) + "\r\n", search);

        Path got = athena.home().resolve("curl-c1.eml");
        curl("--cacert", ca.caFile().toString(), "-o", got.toString(), base + "INBOX;UID=" + c1).ok();
        assertArrayEquals(Files.readAllBytes(maildirFile(athena.inbox("cy", "example.org"), "c1")),
                Files.readAllBytes(got), "the bytes stored are the bytes fetched");
        got = athena.home().resolve("curl-c2.eml");
        curl("--cacert", ca.caFile().toString(), "--ssl-reqd", "-o", got.toString(),
                "imap://127.0.0.1:" + imap + "/INBOX;UID=" + c2).ok();
        assertArrayEquals(Files.readAllBytes(maildirFile(athena.inbox("cy", "example.org"), "c2")),
                Files.readAllBytes(got), "over STARTTLS too");
        assertEquals("INBOX c1 \\Seen\nINBOX c2 \\Seen\n", serverState("cy"), "a fetch of BODY[] sets \\Seen");
    }

    private static Exec.Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "-u", "cy@example.org:cy-pw"));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, athena.home(), Map.of(), CLIENT_TIMEOUT);
    }

    @Test
    void fetchmailFetchesOverImapsKeepsThenDeletesOverStarttls() throws Exception {
        Required.tool("/usr/bin/fetchmail", "fetchmail as an IMAP client");
        user("fay");
        smtp("fay", "f1", "f2", "f3");
        Path mbox = athena.home().resolve("fay.mbox");
        Exec.Result refused = fetchmail(fetchmailrc("ssl", imaps, stranger.caFile(), "keep", mbox));
        assertEquals(2, refused.exit(), "a certificate of a CA fetchmail does not trust is a socket error:\n"
                + refused.out() + refused.err());
        assertTrue(!Files.exists(mbox), "nothing fetched through a refused connection");

        Path keep = fetchmailrc("ssl", imaps, ca.caFile(), "keep", mbox);
        Exec.Result first = fetchmail(keep);
        assertEquals(0, first.exit(), first.out() + first.err());
        assertEquals(List.of("f1", "f2", "f3"), fetched(mbox));
        assertEquals("INBOX f1 \\Seen\nINBOX f2 \\Seen\nINBOX f3 \\Seen\n", serverState("fay"),
                "kept and marked seen on the server");
        Exec.Result again = fetchmail(keep);
        assertEquals(1, again.exit(), "no new mail the second time:\n" + again.out() + again.err());
        assertEquals(List.of("f1", "f2", "f3"), fetched(mbox), "nothing fetched twice");

        smtp("fay", "f4");
        Exec.Result starttls = fetchmail(fetchmailrc("sslproto \"tls1.2+\"", imap, ca.caFile(), "nokeep", mbox));
        assertEquals(0, starttls.exit(), starttls.out() + starttls.err());
        assertEquals(List.of("f1", "f2", "f3", "f4"), fetched(mbox), "only the new message");
        assertEquals("INBOX f1 \\Seen\nINBOX f2 \\Seen\nINBOX f3 \\Seen\n", serverState("fay"),
                "nokeep deleted what it fetched, and only that");
    }

    private static Path fetchmailrc(String tls, int port, Path trusted, String keep, Path mbox) throws Exception {
        return fetchmailrc("IMAP", "fay", tls, port, trusted, keep, mbox);
    }

    private static Path fetchmailrc(String protocol, String local, String tls, int port, Path trusted, String keep,
            Path mbox) throws Exception {
        Path rc = athena.home().resolve("fetchmailrc");
        Files.writeString(rc, "set no syslog\npoll localhost protocol " + protocol + " port " + port + " timeout 30\n"
                + "  user \"" + local + "@example.org\" password \"" + local + "-pw\" " + tls
                + " sslcertck sslcertfile \"" + trusted + "\"\n  mda \"cat >> " + mbox + "\" " + keep + "\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        return rc;
    }

    @Test
    void fetchmailVerifiesThePop3ListenersCertificateToo() throws Exception {
        Required.tool("/usr/bin/fetchmail", "fetchmail as a POP3 client");
        user("pia");
        smtp("pia", "p1", "p2");
        Path mbox = athena.home().resolve("pia.mbox");
        Exec.Result r = fetchmail(fetchmailrc("POP3", "pia", "ssl", pop3s, ca.caFile(), "nokeep", mbox));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(List.of("p1", "p2"), fetched(mbox));
        assertEquals(List.of(), athena.messages(athena.inbox("pia", "example.org")), "fetched and deleted");
    }

    private static Exec.Result fetchmail(Path rc) throws Exception {
        return Exec.run(List.of("fetchmail", "-f", rc.toString(), "--nosyslog", "-d0", "--pidfile",
                athena.home().resolve("fetchmail.pid").toString()), athena.home(),
                Map.of("HOME", athena.home().toString()), CLIENT_TIMEOUT);
    }

    /** The Message-ID tags in a file of concatenated messages, sorted (delivery runs in parallel). */
    private static List<String> fetched(Path mbox) throws Exception {
        List<String> tags = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^Message-ID: <([^>]*)@example.net>")
                .matcher(Files.readString(mbox, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            tags.add(m.group(1));
        }
        tags.sort(null);
        return tags;
    }

    @Test
    void muttReadsAMessageAndMovesAnotherToANewFolder() throws Exception {
        Required.tool("/usr/bin/mutt", "mutt as an IMAP client");
        user("mo");
        smtp("mo", "readme", "moveme", "stay");
        Path home = Files.createDirectories(athena.home().resolve("mutt-home"));
        Path read = home.resolve("read.eml");

        // A CA mutt does not know: it stops to ask about the certificate, and is told to reject it.
        String refused = mutt(home, stranger.caFile(), "", true);
        assertTrue(refused.contains("prompted True") && refused.contains("(no mailbox)"),
                "mutt asks before it trusts an unknown certificate, and opens nothing once it is rejected:\n" + refused);

        // Every key the session needs is pushed at start-up; a prompt nobody answers ends in the timeout.
        String out = mutt(home, ca.caFile(), """
                push "<search>~s readme<enter><display-message><exit><pipe-message>cat > %s<enter>\
                <tag-pattern>~s moveme<enter><tag-prefix><save-message>=Archive<enter><sync-mailbox><quit>"
                """.formatted(read), false);
        assertTrue(out.startsWith("exit 0\nprompted False\n"), "mutt trusted the server, ran its keys and quit:\n" + out);
        String shown = Files.readString(read);
        assertTrue(shown.contains("Subject: readme") && shown.contains("body of readme"), shown);
        // Old: mutt keeps "seen in the list but not read" (mark_old) as a keyword on the server.
        assertEquals("Archive moveme\nINBOX readme \\Seen\nINBOX stay Old\n", serverState("mo"),
                "read, moved to a folder mutt created, the rest untouched:\n" + out);
    }

    /**
     * Runs mutt in a terminal of its own (a pty) on mo's INBOX over implicit TLS, trusting
     * the CA in trusted, with extra lines of muttrc; with reject, a certificate question is
     * answered "reject" and mutt then told to quit. Prints "exit N", "prompted" (whether mutt
     * asked about the certificate) and the screen.
     */
    private static String mutt(Path home, Path trusted, String extra, boolean reject) throws Exception {
        Path muttrc = home.resolve("muttrc");
        Files.writeString(home.resolve("certificates"), "");
        Files.writeString(muttrc, """
                set folder="imaps://localhost:%d/"
                set spoolfile="+INBOX"
                set imap_user="mo@example.org"
                set imap_pass="mo-pw"
                set ssl_force_tls=yes
                set ssl_ca_certificates_file="%s"
                set certificate_file="%s"
                set header_cache="" message_cachedir=""
                set confirmcreate=no confirmappend=no delete=yes quit=yes move=no wait_key=no
                set imap_check_subscribed=no mail_check_stats=no sort=date
                """.formatted(imaps, trusted, home.resolve("certificates")) + extra);
        return Python.run(athena.home(), """
                import os, pty, re, sys, time, select, fcntl, termios, struct
                pid, fd = pty.fork()
                if pid == 0:
                    os.environ.update(HOME=sys.argv[2], TERM='vt100', LANG='C.UTF-8')
                    os.execvp('mutt', ['mutt', '-n', '-F', sys.argv[1]])
                fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
                reject = sys.argv[3] == 'true'
                screen = b''
                answered = quitting = False
                deadline = time.monotonic() + 45
                while time.monotonic() < deadline:
                    if reject and not answered and b'(r)eject' in screen:
                        os.write(fd, b'r'); answered = True
                    if answered and not quitting and b'(no mailbox)' in screen:
                        os.write(fd, b'q'); quitting = True
                    r, _, _ = select.select([fd], [], [], 0.2)
                    if r:
                        try:
                            data = os.read(fd, 65536)
                        except OSError:
                            break
                        if not data:
                            break
                        screen += data
                else:
                    os.kill(pid, 9)
                    print('timed out')
                _, status = os.waitpid(pid, 0)
                print('exit', os.waitstatus_to_exitcode(status))
                print('prompted', b'(r)eject' in screen)
                print(re.sub(r'\\x1b(\\[[0-9;?]*[A-Za-z]|[()][0-9A-B]|[=>])', ' ', screen.decode('utf-8', 'replace')))
                """, muttrc.toString(), home.toString(), String.valueOf(reject)).ok().out();
    }
}
