package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * Literals through the distribution: a large APPEND streamed to disk and read back byte for
 * byte; a literal of 4 GiB announced before login refused without a continuation, and the
 * session goes on normally; a command with several large literals leaves none of their
 * temporary files behind, whether it is refused or the client leaves in the middle.
 */
class ImapLiteralsIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "allowPlaintextAuth", "true"));
        athena.start();
        athena.admin("dir:user-add", "lia@example.org", "lia-pw").ok();
    }

    @Test
    void aLargeAppendIsStreamedAndComesBackExactly() throws Exception {
        String out = Python.run(athena.home(), """
                import imaplib, ssl, sys, hashlib
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('lia@example.org', 'lia-pw')
                body = b''.join(b'line %06d of a large message, to be streamed to disk\\r\\n' % i for i in range(8000))
                msg = b'Subject: big\\r\\n\\r\\n' + body
                print('size', len(msg))
                print('append', m.append('INBOX', None, None, msg))
                m.select('INBOX')
                typ, data = m.fetch('1', '(RFC822.SIZE BODY.PEEK[])')
                got = data[0][1]
                print('same', got == msg, hashlib.sha256(got).hexdigest() == hashlib.sha256(msg).hexdigest())
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        assertTrue(out.contains("append ('OK', [b'[APPENDUID"), out);
        assertTrue(out.contains("same True True"), out);
    }

    @Test
    void aHugeLiteralBeforeLoginIsRefusedWithoutAContinuation() throws Exception {
        try (Socket s = new Socket("127.0.0.1", athena.listenerPort("imap"))) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("* OK"));
            out.write("a1 LOGIN {4294967296}\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = in.readLine();
            assertTrue(reply.startsWith("a1 BAD") && reply.contains("TOOBIG"), "no \"+\" for 4 GiB: " + reply);
            out.write("a2 LOGIN lia@example.org lia-pw\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String login = in.readLine();
            assertTrue(login.startsWith("a2 OK"), "a normal session after the refusal: " + login);
            out.write("a3 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(in.readLine().startsWith("* BYE"));
        }
    }

    /** 70,000 octets: above the 64 KiB from which a literal goes to a temporary file. */
    private static final byte[] LARGE = ("Subject: large\r\n\r\n" + "x".repeat(69_981) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private static List<String> temporaryFiles() throws Exception {
        Path dir = athena.home().resolve("data/tmp/imap");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Logs in over a raw socket; the caller sends the rest. */
    private static Socket login(BufferedReader[] in) throws Exception {
        Socket s = new Socket("127.0.0.1", athena.listenerPort("imap"));
        s.setSoTimeout(10_000);
        in[0] = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        assertTrue(in[0].readLine().startsWith("* OK"));
        send(s, "a1 LOGIN lia@example.org lia-pw\r\n".getBytes(StandardCharsets.US_ASCII));
        String line;
        do {
            line = in[0].readLine();
        } while (!line.startsWith("a1 "));
        assertTrue(line.startsWith("a1 OK"), line);
        return s;
    }

    private static void send(Socket s, byte[] bytes) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    @Test
    void aCommandWithSeveralLargeLiteralsLeavesNoTemporaryFile() throws Exception {
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = login(in)) {
            // Three messages (MULTIAPPEND) and a stray atom after them: a BAD once all went to disk.
            send(s, ("a2 APPEND INBOX {" + LARGE.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(in[0].readLine().startsWith("+"));
            send(s, LARGE);
            send(s, (" {" + LARGE.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(in[0].readLine().startsWith("+"));
            send(s, LARGE);
            send(s, (" {" + LARGE.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            send(s, LARGE);
            send(s, " STRAY\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = in[0].readLine();
            assertTrue(reply.startsWith("a2 BAD"), reply);
            assertEquals(List.of(), temporaryFiles(), "every literal's file deleted when the command ended");
            send(s, "a3 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(in[0].readLine().startsWith("a3 OK"), "the session goes on");
        }
    }

    @Test
    void aClientLeavingInsideItsSecondLargeLiteralLeavesNoTemporaryFile() throws Exception {
        List<String> before = temporaryFiles(); // none, unless another test left some
        java.util.concurrent.Callable<List<String>> added = () -> temporaryFiles().stream()
                .filter(f -> !before.contains(f)).toList();
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = login(in)) {
            send(s, ("a2 APPEND INBOX {" + LARGE.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            send(s, LARGE);
            send(s, (" {" + LARGE.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            send(s, java.util.Arrays.copyOf(LARGE, 40_000));
            Await.until("the second literal's file", Duration.ofSeconds(10), added, files -> files.size() == 2);
        }
        Await.until("no temporary file of the command once the client left", Duration.ofSeconds(10), added,
                List::isEmpty);
    }
}
