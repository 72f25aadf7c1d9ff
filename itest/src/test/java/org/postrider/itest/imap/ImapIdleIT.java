package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * IDLE against a client that stops reading: while another session changes flags over and
 * over (each change a store hint for the idling one), the server delivers the idling
 * session's updates from one thread at most, whatever the number of hints, and closes the
 * connection once a write has waited the command deadline (2 s here); other sessions go on.
 */
class ImapIdleIT {
    private static final int MESSAGES = 1000;
    /** About 3.9 KB of keywords (the store takes 4 KB): each flag change of one message is a FETCH line of that size. */
    private static String keywords(char c) {
        return String.join(" ", java.util.stream.IntStream.range(0, 38).mapToObj(i -> "$k" + i + ("" + c).repeat(96))
                .toList());
    }

    @RegisterExtension
    final Instances instances = new Instances();

    /** A raw IMAP client over plaintext (the instance allows it). */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        private int tags;

        Client(int port, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connecting: the window the server sees
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
            String greeting = in.readLine();
            assertTrue(greeting.startsWith("* OK"), greeting);
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Sends a command and reads to its tagged reply, which it returns. */
        String command(String command) throws IOException {
            String tag = "t" + ++tags;
            send(tag + " " + command);
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("closed before the reply to " + command);
                }
            } while (!line.startsWith(tag + " "));
            return line.substring(tag.length() + 1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Threads in the server's JVM, virtual ones included (a JSON thread dump lists them all). */
    private static int serverThreads(Instance athena, Path dir) throws Exception {
        ProcessHandle server = athena.process().orElseThrow();
        Path javaBin = Path.of(server.info().command().orElseThrow());
        Path dump = dir.resolve("threads-" + System.nanoTime() + ".json");
        Exec.run(List.of(javaBin.resolveSibling("jcmd").toString(), Long.toString(server.pid()), "Thread.dump_to_file",
                "-format=json", dump.toString()), dir, Map.of(), java.time.Duration.ofSeconds(60)).ok();
        Matcher m = Pattern.compile("\"tid\"").matcher(Files.readString(dump));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void anIdlingClientThatStopsReadingHoldsOneThreadAndIsClosed() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "allowPlaintextAuth", "true",
                "commandDeadline", "2s"));
        athena.start();
        athena.admin("dir:user-add", "ida@example.org", "ida-pw").ok();
        int port = athena.listenerPort("imap");

        try (Client writer = new Client(port, 0); Client idler = new Client(port, 4096)) {
            assertTrue(writer.command("LOGIN ida@example.org ida-pw").startsWith("OK"));
            for (int i = 0; i < MESSAGES; i++) {
                String body = "Subject: m" + i + "\r\n\r\nbody\r\n";
                writer.send("a" + i + " APPEND INBOX {" + body.length() + "+}");
                writer.out.write(body.getBytes(StandardCharsets.US_ASCII));
                writer.send("");
            }
            String reply = writer.command("SELECT INBOX");
            assertTrue(reply.startsWith("OK"), reply);

            assertTrue(idler.command("LOGIN ida@example.org ida-pw").startsWith("OK"));
            assertTrue(idler.command("SELECT INBOX").startsWith("OK"));
            idler.send("i1 IDLE");
            assertEquals("+ idling", idler.in.readLine());
            int before = serverThreads(athena, athena.home());

            // From here on the idler reads nothing. Each look it takes at the changes tells it
            // about 3.9 MB of flags, more than the sockets buffer (under 3 MB here): its updates block.
            for (int round = 0; round < 6; round++) {
                reply = writer.command("STORE 1:* FLAGS.SILENT (" + keywords(round % 2 == 0 ? 'x' : 'y') + ")");
                assertTrue(reply.startsWith("OK"), reply);
            }
            // Many more hints while its updates are blocked (or it is gone).
            for (int i = 0; i < 300; i++) {
                reply = writer.command("STORE " + (1 + i % MESSAGES) + " " + (i % 2 == 0 ? "+" : "-")
                        + "FLAGS.SILENT (\\Flagged)");
                assertTrue(reply.startsWith("OK"), reply);
            }
            int after = serverThreads(athena, athena.home());
            assertTrue(after - before <= 20, "threads before the hints: " + before + ", after 300 more: " + after);

            // The server closes the idler's connection once a write stayed blocked for the command
            // deadline: waited for, as reading before that would unblock the write.
            Await.until("the server closing the idler's connection", Duration.ofSeconds(60), athena::logs,
                    l -> l.contains("the client stopped reading for"));
            // Draining it ends, it does not wait for more.
            InputStream in = idler.socket.getInputStream();
            idler.socket.setSoTimeout(15_000);
            byte[] buf = new byte[64 * 1024];
            boolean closed;
            try {
                while (in.read(buf) >= 0) {
                    // what was on its way
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true; // reset: the server closed with octets unsent
            }
            assertTrue(closed, "the server still holds the connection of a client that stopped reading");

            assertTrue(writer.command("NOOP").startsWith("OK"), "the writer's session goes on");
        }
        try (Client fresh = new Client(port, 0)) {
            assertTrue(fresh.command("LOGIN ida@example.org ida-pw").startsWith("OK"));
            String select = fresh.command("SELECT INBOX");
            assertTrue(select.startsWith("OK"), select);
            fresh.send("i2 IDLE");
            assertEquals("+ idling", fresh.in.readLine());
            fresh.send("DONE");
            String done = fresh.in.readLine();
            while (done.startsWith("* ")) {
                done = fresh.in.readLine();
            }
            assertEquals("i2 OK IDLE terminated", done, "a normal session afterwards");
        }
    }
}
