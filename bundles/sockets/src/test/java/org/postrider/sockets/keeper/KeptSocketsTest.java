package org.postrider.sockets.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.sockets.ListeningSockets;

class KeptSocketsTest {
    private static ServerSocket bound() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @Test
    void aKeptSocketIsTakenOnceAndStaysOpen() throws Exception {
        try (KeptSockets k = new KeptSockets(); ServerSocket s = bound()) {
            k.keep("smtp /127.0.0.1:25", new ListeningSockets.Kept(s, List.of()), Duration.ofMinutes(1));
            assertEquals(Set.of("smtp /127.0.0.1:25"), k.keys());
            ListeningSockets.Kept got = k.take("smtp /127.0.0.1:25");
            assertSame(s, got.socket());
            assertFalse(s.isClosed());
            assertNull(k.take("smtp /127.0.0.1:25"), "taken once");
        }
    }

    @Test
    void aSocketNobodyTakesIsClosedAfterItsLinger() throws Exception {
        try (KeptSockets k = new KeptSockets(); ServerSocket s = bound()) {
            k.keep("a", new ListeningSockets.Kept(s, List.of()), Duration.ofMillis(100));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!s.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(s.isClosed());
            assertNull(k.take("a"));
        }
    }

    /** A taken socket's timer does not stay queued for the whole linger, holding the socket. */
    @Test
    void aTakenSocketLeavesNoTimerBehind() throws Exception {
        try (KeptSockets k = new KeptSockets(); ServerSocket s = bound()) {
            for (int i = 0; i < 100; i++) {
                k.keep("a", new ListeningSockets.Kept(s, List.of()), Duration.ofHours(1));
                assertSame(s, k.take("a").socket());
            }
            assertEquals(0, k.pendingTimers());
            k.keep("a", new ListeningSockets.Kept(s, List.of()), Duration.ofHours(1));
            assertEquals(1, k.pendingTimers(), "the kept one's");
        }
    }

    @Test
    void anotherSocketUnderTheSameKeyClosesTheFormerAndTheKeepersStopClosesAll() throws Exception {
        ServerSocket first = bound();
        ServerSocket second = bound();
        KeptSockets k = new KeptSockets();
        k.keep("a", new ListeningSockets.Kept(first, List.of()), Duration.ofMinutes(1));
        k.keep("a", new ListeningSockets.Kept(second, List.of()), Duration.ofMinutes(1));
        assertTrue(first.isClosed());
        assertFalse(second.isClosed());
        k.close();
        assertTrue(second.isClosed());
    }
}
