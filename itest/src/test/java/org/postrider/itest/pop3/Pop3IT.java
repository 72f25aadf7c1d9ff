package org.postrider.itest.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Required;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.SubmissionStream;

/** POP3 through the distribution with real clients: Python's poplib, curl, fetchmail, and raw abuse. */
class Pop3IT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int pop3;
    static int pop3s;

    static final String PREAMBLE = """
            import poplib, ssl, sys
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            def stls(port):
                p = poplib.POP3('127.0.0.1', port); p.stls(ctx); return p
            def tls(port):
                return poplib.POP3_SSL('127.0.0.1', port, context=ctx)
            """;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.pop3", Map.of("port", "0", "tlsPort", "0", "authFailureDelay", "200ms",
                "idleTimeout", "3s", "commandDeadline", "3s"));
        athena.start();
        pop3 = athena.listenerPort("pop3");
        pop3s = athena.listenerPort("pop3s");
    }

    private static void user(String local) throws Exception {
        athena.admin("dir:user-add", local + "@example.org", local + "-pw").ok();
    }

    private static Path message(String name, String body) throws Exception {
        Path p = athena.home().resolve(name + ".eml");
        Files.writeString(p, "From: carol@example.net\r\nSubject: " + name + "\r\nMessage-ID: <" + name
                + "@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body);
        return p;
    }

    private static List<Path> inbox(String local) throws Exception {
        return athena.messages(athena.inbox(local, "example.org"));
    }

    @Test
    void poplibListsReadsTopsAndDeletesOverStlsAndPop3s() throws Exception {
        user("pat");
        athena.submitAndDeliver(message("p1", "first\r\n"), "carol@example.net", "pat@example.org");
        athena.submitAndDeliver(message("p2", ".starts with a dot\r\n..two dots\r\n.\r\nschöne Grüße 8-bit\r\n"),
                "carol@example.net", "pat@example.org");
        athena.submit(message("p3", "third\r\n"), "carol@example.net", "pat@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        Path out = Files.createDirectories(athena.home().resolve("poplib"));
        String script = PREAMBLE + """
                p = stls(int(sys.argv[1]))
                print(p.user('pat@example.org')); print(p.pass_('pat-pw'))
                count, size = p.stat(); print('stat', count, size)
                print('uidl', ' '.join(u.decode().split(' ')[1] for u in p.uidl()[1]))
                for n in range(1, count + 1):
                    resp, lines, octets = p.retr(n)
                    open(sys.argv[2] + '/%d.eml' % n, 'wb').write(b'\\r\\n'.join(lines) + b'\\r\\n')
                print('top', len(p.top(2, 1)[1]))
                print(p.dele(2)); print(p.quit())
                s = tls(int(sys.argv[3])); s.user('pat@example.org'); s.pass_('pat-pw')
                print('after', s.stat()[0], ' '.join(u.decode().split(' ')[1] for u in s.uidl()[1])); s.quit()
                """;
        List<byte[]> stored = new java.util.ArrayList<>();
        for (Path f : inbox("pat")) {
            stored.add(Files.readAllBytes(f));
        }
        String r = Python.run(athena.home(), script, String.valueOf(pop3), out.toString(), String.valueOf(pop3s))
                .ok().out();
        assertTrue(r.contains("stat 3 "), r);
        for (int n = 1; n <= 3; n++) {
            assertArrayEquals(stored.get(n - 1), Files.readAllBytes(out.resolve(n + ".eml")),
                    "message " + n + " must arrive byte for byte");
        }
        String[] uidls = line(r, "uidl").split(" ");
        String[] after = line(r, "after").split(" ");
        assertEquals("2", after[1]);
        assertEquals(List.of(uidls[1], uidls[3]), List.of(after[2], after[3]), "UIDLs stay the same across sessions");
        // header: Return-Path, Delivered-To, Received (folded on 2 lines), 4 of the message = 8; empty line; 1 body line
        assertTrue(r.contains("top 10"), r);
        assertEquals(2, inbox("pat").size());
    }

    private static String line(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    @Test
    void scramSha256LogsInWithoutThePasswordCrossingTheWire() throws Exception {
        user("sid");
        athena.submit(message("sid1", "scram\r\n"), "carol@example.net", "sid@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        // The client side of RFC 5802 from Python's hashlib and hmac; poplib carries the lines.
        String script = PREAMBLE + """
                import base64, hashlib, hmac, os
                b64 = lambda b: base64.b64encode(b).decode()
                def scram(p, user, password):
                    bare = 'n=%s,r=%s' % (user, b64(os.urandom(18)))
                    server_first = base64.b64decode(p._shortcmd('AUTH SCRAM-SHA-256 ' + b64(b'n,,' + bare.encode()))[2:]).decode()
                    f = dict(kv.split('=', 1) for kv in server_first.split(','))
                    salted = hashlib.pbkdf2_hmac('sha256', password.encode(), base64.b64decode(f['s']), int(f['i']))
                    client_key = hmac.digest(salted, b'Client Key', 'sha256')
                    without_proof = 'c=biws,r=' + f['r']
                    auth = ','.join([bare, server_first, without_proof]).encode()
                    sig = hmac.digest(hashlib.sha256(client_key).digest(), auth, 'sha256')
                    proof = bytes(a ^ b for a, b in zip(client_key, sig))
                    final = p._shortcmd(b64((without_proof + ',p=' + b64(proof)).encode()))
                    expected = 'v=' + b64(hmac.digest(hmac.digest(salted, b'Server Key', 'sha256'), auth, 'sha256'))
                    print('server signature ok', base64.b64decode(final[2:]).decode() == expected)
                    return p._shortcmd('').decode()
                p = stls(int(sys.argv[1]))
                print('capa', ' '.join(p.capa()['SASL']))
                print('login', scram(p, 'sid@example.org', 'sid-pw'))
                print('stat', p.stat()); p.quit()
                q = stls(int(sys.argv[1]))
                try:
                    scram(q, 'sid@example.org', 'wrong')
                except poplib.error_proto as e:
                    print('wrong:', e.args[0].decode())
                q = stls(int(sys.argv[1]))
                try:
                    scram(q, 'nobody@example.org', 'x')
                except poplib.error_proto as e:
                    print('nobody:', e.args[0].decode())
                """;
        String r = Python.run(athena.home(), script, String.valueOf(pop3)).ok().out();
        assertTrue(r.contains("capa SCRAM-SHA-256 PLAIN LOGIN"), r);
        assertTrue(r.contains("server signature ok True") && r.contains("login +OK"), r);
        assertTrue(r.contains("stat (1, "), r);
        assertTrue(r.contains("wrong: -ERR [AUTH] authentication failed"), r);
        assertTrue(r.contains("nobody: -ERR [AUTH] authentication failed"), "a stranger fails the same way: " + r);
    }

    @Test
    void curlListsRetrievesTopsAndDeletes() throws Exception {
        user("quinn");
        athena.submitAndDeliver(message("q1", "hello curl\r\n"), "carol@example.net", "quinn@example.org");
        athena.submit(message("q2", "second\r\n"), "carol@example.net", "quinn@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        List<Path> stored = inbox("quinn");
        String base = "pop3s://127.0.0.1:" + pop3s + "/";
        Path got = athena.home().resolve("curl-1.eml");
        curl("-o", got.toString(), base + "1");
        assertArrayEquals(Files.readAllBytes(stored.get(0)), Files.readAllBytes(got));
        String list = curl(base).out();
        assertTrue(list.startsWith("1 " + Files.size(stored.get(0)) + "\r\n2 "), list);
        String top = curl("-X", "TOP 2 0", base).out();
        assertTrue(top.contains("Subject: q2") && !top.contains("second"), top);
        curl("--ssl-reqd", "-X", "DELE", "-I", "pop3://127.0.0.1:" + pop3 + "/1");
        assertEquals(1, inbox("quinn").size(), "curl DELE over STLS then QUIT removes one");
    }

    private static Exec.Result curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-S", "-k", "-u", "quinn@example.org:quinn-pw"));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, athena.home(), Map.of(), Duration.ofSeconds(60)).ok();
    }

    @Test
    void fetchmailPullsAFewHundredMessagesOnceAndEmptiesTheMailbox() throws Exception {
        Required.tool("/usr/bin/fetchmail", "fetchmail as a POP3 client");
        user("rita");
        SubmissionStream stream = new SubmissionStream(athena, "fetch", 300, "carol@example.net", "rita@example.org");
        assertEquals(300, stream.run(n -> { }));
        athena.awaitQueueEmpty(Duration.ofSeconds(120));
        assertEquals(300, inbox("rita").size());

        Path mbox = athena.home().resolve("fetched.mbox");
        Path rc = athena.home().resolve("fetchmailrc");
        Files.writeString(rc, "set no syslog\npoll 127.0.0.1 protocol pop3 port " + pop3s
                + " user \"rita@example.org\" password \"rita-pw\" ssl no sslcertck\n"
                + "  mda \"cat >> " + mbox + "\" fetchall nokeep\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        List<String> fetch = List.of("fetchmail", "-f", rc.toString(), "--nosyslog", "-d0", "--pidfile",
                athena.home().resolve("fetchmail.pid").toString());
        Map<String, String> env = Map.of("HOME", athena.home().toString());
        Exec.Result first = Exec.run(fetch, athena.home(), env, Duration.ofSeconds(300));
        assertEquals(0, first.exit(), first.out() + first.err());
        String all = Files.readString(mbox);
        for (int i = 0; i < 300; i++) {
            assertEquals(1, all.split("Message-ID: <fetch-" + i + "@example.net>", -1).length - 1, "message " + i);
        }
        assertTrue(inbox("rita").isEmpty(), "fetchmail deleted what it fetched");
        Exec.Result second = Exec.run(fetch, athena.home(), env, Duration.ofSeconds(120));
        assertEquals(1, second.exit(), "second run: no mail\n" + second.out() + second.err());
        assertEquals(all, Files.readString(mbox), "nothing fetched twice");
    }

    @Test
    void aDroppedConnectionDeletesNothingAndASecondSessionIsRefused() throws Exception {
        user("sam");
        athena.submit(message("s1", "keep me\r\n"), "carol@example.net", "sam@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String script = PREAMBLE + """
                p = tls(int(sys.argv[1])); p.user('sam@example.org'); p.pass_('sam-pw')
                q = tls(int(sys.argv[1])); q.user('sam@example.org')
                try:
                    q.pass_('sam-pw'); print('second: logged in')
                except poplib.error_proto as e:
                    print('second:', e.args[0].decode())
                print(p.dele(1)); p.sock.close()
                """;
        String r = Python.run(athena.home(), script, String.valueOf(pop3s)).ok().out();
        assertTrue(r.contains("second: -ERR [IN-USE]"), r);
        // A new login gets in only once the dropped session has ended: whatever the end of
        // that session did to the maildrop is done by then, so the count after it is final.
        String again = Await.until("the dropped session's lock to be released", Duration.ofSeconds(20),
                () -> Python.run(athena.home(), PREAMBLE + """
                        try:
                            p = tls(int(sys.argv[1])); p.user('sam@example.org'); p.pass_('sam-pw')
                            print('stat', p.stat()[0]); p.quit()
                        except poplib.error_proto as e:
                            print('refused', e.args[0].decode())
                        """, String.valueOf(pop3s)).ok().out(), o -> o.contains("stat "));
        assertTrue(again.contains("stat 1"), "DELE without QUIT must delete nothing: " + again);
        assertEquals(1, inbox("sam").size(), "DELE without QUIT must delete nothing");
    }

    /** A raw session on the STLS port, for the abuse cases no client library would send. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Raw() throws Exception {
            this("127.0.0.1");
        }

        /** From the loopback address {@code from}, which has connection counts of its own. */
        Raw(String from) throws Exception {
            socket = connect(from);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            String greeting = in.readLine();
            assertTrue(greeting != null && greeting.startsWith("+OK"), greeting);
        }

        String send(String raw) throws Exception {
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static Socket connect(String from) throws Exception {
        Socket s = new Socket();
        try {
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(from), 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", pop3), 5_000);
            s.setSoTimeout(10_000);
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The greeting of a new connection from {@code from}. */
    private static String greeting(String from) throws Exception {
        try (Socket s = connect(from)) {
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void oneAddressCannotTakeEverySlot() throws Exception {
        // an address of this test's own: sessions of other tests from 127.0.0.1 may still be closing
        String from = "127.0.0.3";
        List<Raw> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                open.add(new Raw(from)); // the default limit per client address
            }
            try (Socket extra = connect(from)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(extra.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("-ERR [SYS/TEMP] too many connections from your address", in.readLine());
                assertNull(in.readLine());
            }
        } finally {
            for (Raw r : open) {
                r.close();
            }
        }
        // the server learns of the closes as its sessions read the end of their streams
        Await.until("a slot for " + from + " again", Duration.ofSeconds(10), () -> greeting(from),
                l -> l != null && l.startsWith("+OK"));
        try (Raw again = new Raw(from)) {
            assertTrue(again.send("CAPA\r\n").startsWith("+OK"), "served again once the others left");
        }
    }

    @Test
    void abuseGetsSafeRepliesAndTheServerStillServes() throws Exception {
        user("tom");
        try (Raw r = new Raw()) {
            assertTrue(r.send("USER tom@example.org\r\n").startsWith("-ERR [AUTH] plaintext"), "USER before TLS");
            assertTrue(r.send("AUTH PLAIN AHRvbUBleGFtcGxlLm9yZwB0b20tcHc=\r\n").startsWith("-ERR [AUTH]"));
            String capa = r.send("CAPA\r\n");
            StringBuilder caps = new StringBuilder();
            for (String l = r.in.readLine(); !l.equals("."); l = r.in.readLine()) {
                caps.append(l).append('\n');
            }
            assertTrue(capa.startsWith("+OK") && caps.toString().contains("STLS"), caps.toString());
            assertFalse(caps.toString().contains("USER") || caps.toString().contains("SASL"), caps.toString());
            assertTrue(r.send("x".repeat(3000) + "\r\n").startsWith("-ERR line longer"), "long line");
            assertTrue(r.send("STAT\r\n").startsWith("-ERR STAT is not allowed before login"));
            assertTrue(r.send("CAPA\0\r\n").startsWith("-ERR"), "NUL in a command");
            assertTrue(r.send("UIDL \u0001\r\n").startsWith("-ERR"), "control character in an argument");
            assertTrue(r.send("STAT\r\n").startsWith("-ERR STAT is not allowed"), "the session goes on");
        }
        try (Raw r = new Raw()) {
            assertEquals("-ERR commands pipelined after STLS; closing", r.send("STLS\r\nCAPA\r\n"));
            assertNull(r.in.readLine(), "STARTTLS injection: closed, CAPA never answered");
        }
        try (Raw r = new Raw()) {
            assertTrue(r.send("CAPA\nQUIT\r\n").startsWith("-ERR protocol violation"), "bare LF");
            assertNull(r.in.readLine());
        }
        try (Raw r = new Raw()) {
            String last = null;
            for (int i = 0; i < 10; i++) {
                last = r.send("FOO\r\n");
            }
            assertEquals("-ERR too many bad commands, closing", r.in.readLine(), last);
            assertNull(r.in.readLine());
        }
        try (Raw r = new Raw()) {
            long t = System.nanoTime();
            assertEquals("-ERR [SYS/TEMP] autologout: idle for too long", r.in.readLine());
            assertTrue(System.nanoTime() - t < 8_000_000_000L);
        }
        String script = PREAMBLE + """
                import time
                def attempt(user, pw):
                    p = tls(int(sys.argv[1])); p.user(user); t = time.time()
                    try:
                        p.pass_(pw); return 'ok'
                    except poplib.error_proto as e:
                        return e.args[0].decode()
                print('unknown|' + attempt('nobody@example.org', 'x'))
                print('wrong|' + attempt('tom@example.org', 'x'))
                p = tls(int(sys.argv[1])); times = []
                for i in range(3):
                    p.user('tom@example.org'); t = time.time()
                    try:
                        p.pass_('bad')
                    except poplib.error_proto as e:
                        times.append(time.time() - t)
                try:
                    p.noop(); print('still open')
                except Exception:
                    print('closed after 3 failures')
                print('delays|' + ' '.join('%.2f' % x for x in times))
                q = tls(int(sys.argv[1])); q.user('tom@example.org'); q.pass_('tom-pw'); print('normal', q.stat()); q.quit()
                """;
        String out = Python.run(athena.home(), script, String.valueOf(pop3s)).ok().out();
        assertTrue(out.contains("unknown|-ERR [AUTH] authentication failed\nwrong|-ERR [AUTH] authentication failed"),
                "the same reply whether or not the user exists: " + out);
        assertTrue(out.contains("closed after 3 failures"), out);
        String[] delays = out.lines().filter(l -> l.startsWith("delays|")).findFirst().orElseThrow()
                .replace("delays|", "").split(" ");
        assertTrue(Double.parseDouble(delays[delays.length - 1]) >= 0.2, out);
        assertTrue(out.contains("normal (0, 0)"), "a normal session works after the abuse: " + out);
    }
}
