package org.postrider.smtp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session cache against a next hop that logs what it hears and answers 250 to all but QUIT. */
class ConnectionCacheTest {
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final ServerSocket hop;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private volatile boolean silent;
    /** Sessions the client ended (the hop read end of stream). */
    private final java.util.concurrent.atomic.AtomicInteger hungUp = new java.util.concurrent.atomic.AtomicInteger();

    ConnectionCacheTest() throws IOException {
        hop = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!hop.isClosed()) {
                try {
                    Socket s = hop.accept();
                    accepted.add(s);
                    Thread.ofVirtual().start(() -> answer(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void answer(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out.write("220 hop\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                heard.add(l);
                if (silent) {
                    continue; // a hop that has stopped answering
                }
                out.write((l.equals("QUIT") ? "221 bye\r\n" : "250 ok\r\n").getBytes(StandardCharsets.US_ASCII));
                if (l.equals("QUIT")) {
                    return;
                }
            }
            hungUp.incrementAndGet();
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void close() throws IOException {
        hop.close();
    }

    private ClientConnection connect() throws IOException {
        ClientConnection c = new ClientConnection(InetAddress.getLoopbackAddress(), hop.getLocalPort(), "hop",
                Duration.ofSeconds(5), Deadlines.standard());
        assertEquals(220, c.read(Deadlines.Stage.GREETING).code());
        return c;
    }

    private void awaitHeard(String line) throws InterruptedException {
        for (int i = 0; i < 500 && !heard.contains(line); i++) {
            Thread.sleep(10);
        }
        assertTrue(heard.contains(line), "the hop heard " + line + ": " + heard);
    }

    @Test
    void aReleasedSessionIsCheckedWithRsetAndGivenToTheNextMessageForThatDomainOnly() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100)) {
            ClientConnection c = connect();
            cache.release(List.of("example.net"), c);
            assertNull(cache.take("example.org"), "another domain gets no session of example.net");
            assertEquals(1, cache.idleCount());
            assertSame(c, cache.take("example.net"));
            assertEquals(List.of("RSET"), heard);
            assertEquals(0, cache.idleCount());
            assertNull(cache.take("example.net"), "a taken session is no longer cached");
            c.close();
        }
    }

    @Test
    void anIdleSessionIsQuitOnceItsTimeIsUp() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofMillis(100), 100)) {
            cache.release(List.of("example.net"), connect());
            Thread.sleep(150);
            cache.expire();
            assertEquals(0, cache.idleCount());
            awaitHeard("QUIT");
            assertNull(cache.take("example.net"));
        }
    }

    @Test
    void aSessionTheHopClosedWhileIdleIsDroppedQuietly() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100)) {
            cache.release(List.of("example.net"), connect());
            for (int i = 0; i < 500 && accepted.isEmpty(); i++) {
                Thread.sleep(10);
            }
            accepted.get(0).close();
            assertNull(cache.take("example.net"), "a dead session is not handed out");
            assertEquals(0, cache.idleCount());
        }
    }

    @Test
    void aSessionIsQuitAfterItsLastAllowedTransaction() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 2)) {
            ClientConnection c = connect();
            cache.release(List.of("example.net"), c);
            assertSame(c, cache.take("example.net"));
            cache.release(List.of("example.net"), c);
            assertEquals(0, cache.idleCount(), "two transactions done, the limit");
            awaitHeard("QUIT");
        }
    }

    @Test
    void aBrokenSessionIsNeverCached() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100)) {
            ClientConnection c = connect();
            for (int i = 0; i < 500 && accepted.isEmpty(); i++) {
                Thread.sleep(10);
            }
            accepted.get(0).close();
            try {
                c.command("NOOP", Deadlines.Stage.MAIL);
            } catch (IOException expected) {
                // now marked broken
            }
            assertTrue(c.broken());
            cache.release(List.of("example.net"), c);
            assertEquals(0, cache.idleCount());
        }
    }

    @Test
    void closingTheCacheQuitsWhatItHolds() throws Exception {
        ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100);
        cache.release(List.of("example.net"), connect());
        cache.close();
        assertEquals(0, cache.idleCount());
        awaitHeard("QUIT");
        ClientConnection late = connect();
        cache.release(List.of("example.net"), late);
        assertEquals(0, cache.idleCount(), "a closed cache keeps nothing");
    }

    @Test
    void aSessionSlowToAnswerRsetIsDroppedAfterTheRsetWait() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100, Duration.ofMillis(300))) {
            cache.release(List.of("example.net"), connect());
            silent = true;
            long start = System.nanoTime();
            assertNull(cache.take("example.net"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 250 && millis < 10_000, "gave up after the RSET wait, not the 30 s reply timeout: "
                    + millis);
        }
    }

    @Test
    void aSessionIsFoundByEachOfItsKeysAndTakenFromAllAtOnce() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100)) {
            ClientConnection c = connect();
            String address = ConnectionCache.addressKey(InetAddress.getLoopbackAddress(), hop.getLocalPort());
            cache.release(List.of("example.net", address), c);
            assertEquals(1, cache.idleCount(), "one session, however many keys");
            assertSame(c, cache.take(address), "another domain on the same exchanger finds it by address");
            assertNull(cache.take("example.net"), "taken by one key, it is gone from the others");
            assertEquals(0, cache.idleCount());
            c.close();
        }
    }

    @Test
    void aSessionWhoseDeadlinePassedIsNeverCached() throws Exception {
        try (ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(30), 100)) {
            Duration stage = Duration.ofSeconds(5);
            ClientConnection c = new ClientConnection(InetAddress.getLoopbackAddress(), hop.getLocalPort(), "hop",
                    stage, new Deadlines(stage, stage, stage, stage, stage, stage, stage, Duration.ofMillis(200)));
            assertEquals(220, c.read(Deadlines.Stage.GREETING).code());
            // the transaction is done, but the cap passes before the session is handed back: closed under it
            for (int i = 0; i < 500 && hungUp.get() == 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(1, hungUp.get(), "the watchdog closed the session at the cap");
            cache.release(List.of("example.net"), c);
            assertEquals(0, cache.idleCount(), "a session closed by its deadline is not kept for the next message");
        }
    }
}
