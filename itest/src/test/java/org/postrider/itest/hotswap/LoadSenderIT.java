package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.itest.harness.Exec;

/**
 * The hot-swap tests' load sender ({@link EveryBundleSwapUnderLoadIT#SENDER}) against a
 * scripted SMTP server that stops as a Postrider listener does. A stopping server's 421
 * answers whatever the client sends next (RFC 5321 3.8), EHLO and RSET included: after a
 * temporary failure the sender sends RSET, and a stop that comes meanwhile answers it with
 * its goodbye. The sender must take that for the goodbye it is (BYE), not read past it and
 * report the closed connection its next MAIL meets as a session cut without a word (DROP):
 * LibraryRefreshIT failed so, with two such DROPs of MAIL, when a refresh stopped SMTP
 * while the directory or the router it had stopped first made RCPT fail for the moment.
 */
class LoadSenderIT {
    @TempDir
    Path dir;

    @Test
    void aGoodbyeInReplyToRsetOrEhloIsTakenForOne() throws Exception {
        Path stop = dir.resolve("stop");
        Path sender = dir.resolve("sender.py");
        Files.writeString(sender, EveryBundleSwapUnderLoadIT.SENDER);
        AtomicReference<Throwable> serverFailure = new AtomicReference<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            Thread fake = Thread.ofPlatform().daemon().start(() -> {
                try {
                    try (Scripted s = new Scripted(server.accept())) {
                        s.say("220 fake ESMTP");
                        s.expect("EHLO");
                        s.say("250 fake");
                        s.expect("MAIL");
                        s.say("250 2.1.0 sender ok");
                        s.expect("RCPT");
                        // the stop came while RCPT was answered: its goodbye right behind the answer
                        s.say("451 4.3.0 routing temporarily unavailable");
                        s.goodbye();
                    }
                    try (Scripted s = new Scripted(server.accept())) {
                        s.say("220 fake ESMTP");
                        s.expect("EHLO"); // the stop came between the greeting and EHLO
                        Files.createFile(stop);
                        s.goodbye();
                    }
                } catch (Throwable e) {
                    serverFailure.set(e);
                }
            });
            Exec.Result r = Exec.run(List.of("python3", sender.toString(), String.valueOf(server.getLocalPort()),
                    stop.toString(), "10", "t", "alice@example.org"), dir, Map.of(), Duration.ofSeconds(60))
                    .ok();
            fake.join(10_000);
            assertFalse(fake.isAlive(), "the scripted server is done");
            assertNull(serverFailure.get(), () -> "the scripted server: " + serverFailure.get());
            List<String> said = r.out().lines().map(l -> {
                String[] f = l.split(" ", 3);
                return f.length < 2 ? l : f[0] + " " + f[1];
            }).toList();
            assertEquals(List.of("TEMP rcpt", "BYE rset", "BYE ehlo", "END 0"), said, r.out());
        }
    }

    /** One scripted connection: lines said and expected, and a stopping listener's goodbye. */
    private static final class Scripted implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        Scripted(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        void say(String line) throws IOException {
            socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        void expect(String verb) throws IOException {
            String line = in.readLine();
            if (line == null || !line.toUpperCase(Locale.ROOT).startsWith(verb)) {
                throw new AssertionError("expected " + verb + ", the client sent " + line);
            }
        }

        /**
         * As a listener that stops between two commands: 421 at once, whatever the client
         * sends next, the output shut, and what still comes read and dropped until the client
         * closes (Connection#wakeForStop, Connection#lingerAfterGoodbye).
         */
        void goodbye() throws IOException {
            say("421 4.3.2 fake shutting down");
            socket.shutdownOutput();
            while (in.read() >= 0) {
                // dropped
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
