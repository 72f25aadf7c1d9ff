package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * A .cfg in deploy/ that changes SMTP's port and a limit takes effect without a restart: the
 * new port answers with the new limit, the old port is released, and a client that sat idle
 * on the old port between commands is told 421 at once instead of holding the change for
 * the listener's whole grace period (30 s by default) and then being cut without a word.
 */
class LiveConfigChangeIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void smtpPortAndLimitChangeLiveAndTheOldPortIsReleased() throws Exception {
        Instance athena = instances.create("athena");
        int oldPort;
        int newPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) { // two distinct ports
            oldPort = a.getLocalPort();
            newPort = b.getLocalPort();
        }
        athena.config("org.postrider.smtp", Map.of("port", String.valueOf(oldPort)));
        athena.start();
        long pid = athena.process().orElseThrow().pid();
        try (Session idle = new Session(oldPort)) {
            assertTrue(idle.ehlo().contains("SIZE 26214400"), "the default limit first");

            long t0 = System.nanoTime();
            athena.config("org.postrider.smtp", Map.of("port", String.valueOf(newPort), "maxMessageSize", "12345"));
            String ehlo = Await.until("the new port with the new limit", Duration.ofSeconds(20), () -> {
                try (Session s = new Session(newPort)) {
                    return s.ehlo();
                } catch (IOException e) {
                    return e.toString();
                }
            }, r -> r.contains("SIZE 12345"));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ehlo.contains("250"), ehlo);
            assertTrue(millis < 10_000, "the change took " + millis + " ms: the idle session held the old listener");
            assertEquals("421", idle.line().substring(0, 3), "the idle client is told to come back");
        }
        Await.until("the old port released", Duration.ofSeconds(3), () -> {
            try (Socket s = new Socket("127.0.0.1", oldPort)) {
                return "still accepting";
            } catch (ConnectException refused) {
                return "refused";
            }
        }, "refused"::equals);
        assertEquals(pid, athena.process().orElseThrow().pid(), "no restart");
        assertTrue(athena.admin("smtp:listeners").ok().out().contains(":" + newPort), "smtp:listeners shows it");
    }

    /**
     * An IMAP client in IDLE (inside a command, the way most clients wait) when a limit of
     * IMAP changes: it is told BYE at once and finds the listener again on the same port,
     * instead of being held for the grace period and then cut without a word.
     */
    @Test
    void anImapClientInIdleIsToldByeWhenTheListenerRestartsAndComesBackOnTheSamePort() throws Exception {
        Instance athena = instances.create("athena");
        int port = freePort();
        athena.config("org.postrider.imap", Map.of("port", String.valueOf(port), "allowPlaintextAuth", "true"));
        athena.start();
        athena.admin("dir:user-add", "ida@example.org", "pw").ok();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("* OK"));
            for (String c : new String[] {"a LOGIN ida@example.org pw", "b SELECT INBOX"}) {
                out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                String tag = c.substring(0, 1);
                String l;
                do {
                    l = in.readLine();
                } while (l != null && !l.startsWith(tag + " "));
                assertTrue(l != null && l.startsWith(tag + " OK"), c + ": " + l);
            }
            out.write("c IDLE\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals("+ idling", in.readLine());

            long t0 = System.nanoTime();
            athena.config("org.postrider.imap", Map.of("maxConnections", "150"));
            String l = in.readLine();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(l != null && l.startsWith("* BYE"), "told to come back, not " + l);
            assertTrue(millis < 8_000, "BYE after " + millis + " ms: the stop waited for the idling session");
        }
        String greeting = Await.until("the listener back on its port", Duration.ofSeconds(20), () -> {
            try (Socket again = new Socket("127.0.0.1", port)) {
                again.setSoTimeout(10_000);
                return new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                return e.toString();
            }
        }, g -> g != null && g.startsWith("* OK"));
        assertTrue(greeting.startsWith("* OK"), greeting);
    }

    /** A plain SMTP client, line by line. */
    private static final class Session implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Session(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(40_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
            String greeting = line();
            if (!greeting.startsWith("220")) {
                throw new IOException("greeting " + greeting);
            }
        }

        String line() throws IOException {
            String l = in.readLine();
            return l == null ? "EOF" : l;
        }

        String ehlo() throws IOException {
            out.write("EHLO client.example.net\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder sb = new StringBuilder();
            String l;
            do {
                l = line();
                sb.append(l).append('\n');
            } while (l.length() > 3 && l.charAt(3) == '-');
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
