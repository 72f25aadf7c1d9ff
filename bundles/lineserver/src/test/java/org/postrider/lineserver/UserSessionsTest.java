package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UserSessionsTest {
    @Test
    void aUserGetsUpToTheLimitAndASlotBackWhenOneEnds() {
        UserSessions u = new UserSessions();
        assertTrue(u.enter("alice@example.org", 2));
        assertTrue(u.enter("alice@example.org", 2));
        assertFalse(u.enter("alice@example.org", 2));
        assertTrue(u.enter("bob@example.org", 2), "another user has slots of his own");
        assertEquals(2, u.count("alice@example.org"));
        u.leave("alice@example.org");
        assertTrue(u.enter("alice@example.org", 2));
        u.leave("bob@example.org");
        assertEquals(0, u.count("bob@example.org"));
    }

    @Test
    void racingLoginsNeverExceedTheLimit() throws Exception {
        UserSessions u = new UserSessions();
        AtomicInteger in = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    if (u.enter("carol@example.org", 3)) {
                        most.accumulateAndGet(in.incrementAndGet(), Math::max);
                        in.decrementAndGet();
                        u.leave("carol@example.org");
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(most.get() <= 3 && most.get() >= 1, "at most 3 at once, saw " + most.get());
        assertEquals(0, u.count("carol@example.org"));
    }
}
