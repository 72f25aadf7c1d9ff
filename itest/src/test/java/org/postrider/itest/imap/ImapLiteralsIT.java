package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * Literals through the distribution: a large APPEND streamed to disk and read back byte for
 * byte; a literal of 4 GiB announced before login refused without a continuation, and the
 * session goes on normally.
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
}
