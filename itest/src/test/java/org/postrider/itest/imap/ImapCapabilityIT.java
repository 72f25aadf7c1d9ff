package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
 * What CAPABILITY advertises, as exact sets, in each state a client meets: in plaintext before
 * login (with plaintext logins refused, the default, and allowed), under TLS before login, and
 * after login; so that a capability lost and one added unnoticed both fail. APPENDLIMIT is the
 * configured limit, and the limit enforced.
 */
class ImapCapabilityIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    private static final long APPEND_LIMIT = 3L << 20; // appendLimitMiB=3, not the default

    /** In every state: IMAP4rev1/rev2 and the extensions whose commands or responses work anywhere. */
    private static final List<String> ALWAYS = List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "UIDPLUS", "MOVE",
            "CONDSTORE", "QRESYNC", "ESEARCH", "SEARCHRES", "SPECIAL-USE", "CREATE-SPECIAL-USE", "NAMESPACE", "ID",
            "ENABLE", "UNSELECT", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "IDLE", "QUOTA", "QUOTA=RES-STORAGE",
            "QUOTA=RES-MESSAGE", "APPENDLIMIT=" + APPEND_LIMIT, "STATUS=SIZE", "SORT", "SORT=DISPLAY", "ESORT",
            "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT", "MULTIAPPEND", "BINARY", "UTF8=ACCEPT");

    /** Plaintext, plaintext logins not allowed (the default): STARTTLS, LOGINDISABLED, no mechanism. */
    private static final Set<String> PLAIN = with("STARTTLS", "LOGINDISABLED");
    /** Under TLS before login: the SASL mechanisms the directory allows, and SASL-IR. */
    private static final Set<String> SECURE = with("AUTH=SCRAM-SHA-256", "AUTH=PLAIN", "AUTH=LOGIN", "SASL-IR");
    /** After login: no more mechanisms or STARTTLS; COMPRESS=DEFLATE (RFC 4978: after login only). */
    private static final Set<String> LOGGED_IN = with("COMPRESS=DEFLATE");

    static Instance athena;
    static int imap;
    static int imaps;

    private static Set<String> with(String... more) {
        Set<String> s = new TreeSet<>(ALWAYS);
        s.addAll(List.of(more));
        return s;
    }

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "appendLimitMiB", "3"));
        athena.start();
        imap = athena.listenerPort("imap");
        imaps = athena.listenerPort("imaps");
        athena.admin("dir:user-add", "cap@example.org", "pw").ok();
    }

    @Test
    void eachStateAdvertisesExactlyItsCapabilities() throws Exception {
        String out = Python.run(athena.home(), ImapIT.PREAMBLE + """
                import socket
                class Session:
                    def __init__(self, sock):
                        self.s = sock; self.f = sock.makefile('rb')
                    def line(self):
                        return self.f.readline().decode().rstrip('\\r\\n')
                    def cmd(self, tag, text):
                        self.s.sendall(tag.encode() + b' ' + text + b'\\r\\n')
                        lines = []
                        while True:
                            l = self.line(); lines.append(l)
                            if l.startswith(tag + ' ') or l == '':
                                return lines
                    def announce(self, text):
                        self.s.sendall(text + b'\\r\\n')
                        return self.line()
                    def show(self, name, tag, text):
                        for l in self.cmd(tag, text):
                            print(name, l)
                p = Session(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
                print('plain-greeting', p.line())
                p.show('plain', 'c1', b'CAPABILITY')
                p.show('starttls', 't', b'STARTTLS')
                p = Session(ctx.wrap_socket(p.s))
                p.show('starttls-secure', 'c2', b'CAPABILITY')
                p.show('starttls-login', 'l', b'LOGIN cap@example.org pw')
                p.show('starttls-logged-in', 'c3', b'CAPABILITY')
                i = Session(ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2])))))
                print('imaps-greeting', i.line())
                i.show('imaps-secure', 'c1', b'CAPABILITY')
                i.show('imaps-login', 'l', b'LOGIN cap@example.org pw')
                i.show('imaps-logged-in', 'c2', b'CAPABILITY')
                print('over', i.announce(b'a1 APPEND INBOX {%d}' % (int(sys.argv[3]) + 1)))
                print('at', i.announce(b'a2 APPEND INBOX {%d}' % int(sys.argv[3])))
                head = b'Subject: exactly the limit\\r\\n\\r\\n'
                i.s.sendall(head + b'x' * (int(sys.argv[3]) - len(head)) + b'\\r\\n')
                print('appended', i.cmd('n', b'NOOP'))
                """, String.valueOf(imap), String.valueOf(imaps), String.valueOf(APPEND_LIMIT)).ok().out();
        System.out.println(out);
        assertEquals(PLAIN, advertised(out, "plain-greeting", "\\* OK \\[CAPABILITY ([^\\]]*)\\] "));
        assertEquals(PLAIN, advertised(out, "plain", "\\* CAPABILITY (.*)"));
        assertTrue(out.contains("starttls t OK"), out);
        assertEquals(SECURE, advertised(out, "starttls-secure", "\\* CAPABILITY (.*)"));
        assertEquals(LOGGED_IN, advertised(out, "starttls-login", "l OK \\[CAPABILITY ([^\\]]*)\\] "));
        assertEquals(LOGGED_IN, advertised(out, "starttls-logged-in", "\\* CAPABILITY (.*)"));
        assertEquals(SECURE, advertised(out, "imaps-greeting", "\\* OK \\[CAPABILITY ([^\\]]*)\\] "));
        assertEquals(SECURE, advertised(out, "imaps-secure", "\\* CAPABILITY (.*)"));
        assertEquals(LOGGED_IN, advertised(out, "imaps-login", "l OK \\[CAPABILITY ([^\\]]*)\\] "));
        assertEquals(LOGGED_IN, advertised(out, "imaps-logged-in", "\\* CAPABILITY (.*)"));
        assertTrue(out.contains("over a1 BAD [TOOBIG] literal too large"), "one octet over APPENDLIMIT: " + out);
        assertTrue(out.contains("at + Ready for literal data"), "APPENDLIMIT octets are granted: " + out);
        assertTrue(out.contains("appended ['a2 OK [APPENDUID ") && out.contains("'n OK"), out);
    }

    @Test
    void withPlaintextLoginsAllowedThePlaintextListOffersTheMechanismsAndNoLogindisabled() throws Exception {
        Instance hermes = INSTANCES.create("hermes");
        hermes.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "appendLimitMiB", "3",
                "allowPlaintextAuth", "true"));
        hermes.start();
        String out = Python.run(hermes.home(), """
                import socket, sys
                s = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); f = s.makefile('rb')
                print('greeting', f.readline().decode().rstrip())
                """, String.valueOf(hermes.listenerPort("imap"))).ok().out();
        System.out.println(out);
        Set<String> expected = with("STARTTLS", "AUTH=SCRAM-SHA-256", "AUTH=PLAIN", "AUTH=LOGIN", "SASL-IR");
        assertEquals(expected, advertised(out, "greeting", "\\* OK \\[CAPABILITY ([^\\]]*)\\] "));
    }

    /**
     * The capabilities of the one line labelled {@code label} whose text matches {@code pattern}
     * (group 1: the list), each once.
     */
    private static Set<String> advertised(String out, String label, String pattern) {
        List<String> found = new ArrayList<>();
        Pattern p = Pattern.compile(Pattern.quote(label + " ") + pattern);
        for (String line : out.split("\n")) {
            Matcher m = p.matcher(line);
            if (m.lookingAt()) {
                found.add(m.group(1));
            }
        }
        assertEquals(1, found.size(), label + ": one capability list in " + out);
        List<String> words = Arrays.asList(found.getFirst().split(" "));
        Set<String> set = new TreeSet<>(words);
        assertEquals(words.size(), set.size(), label + ": a capability advertised twice: " + words);
        return set;
    }
}
