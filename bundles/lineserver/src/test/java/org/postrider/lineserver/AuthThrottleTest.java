package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The penalty of an address applies before its next password is hashed, on a clock the test turns. */
class AuthThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> events = new ArrayList<>();
    private final AuthThrottle throttle = new AuthThrottle(Duration.ofSeconds(2), now::get, ms -> {
        events.add("sleep " + ms);
        now.addAndGet(ms);
    });
    private final InetAddress attacker = InetAddress.getLoopbackAddress();

    /** What a login does: wait for its turn, hash (recorded), fail. */
    private void failedLogin() {
        throttle.beforeCheck(attacker);
        events.add("hash");
        throttle.failed(attacker);
    }

    @Test
    void aFreshAddressIsHashedAtOnceAndAFailureIsAnsweredAfterTheDelay() {
        failedLogin();
        assertEquals(List.of("hash", "sleep 2000"), events);
    }

    @Test
    void oneClientRetryingInTurnWaitsOnlyTheDelayAfterEachFailure() {
        failedLogin();
        failedLogin();
        failedLogin();
        assertEquals(List.of("hash", "sleep 2000", "hash", "sleep 4000", "hash", "sleep 8000"), events);
    }

    @Test
    void concurrentAttemptsFromAPenalisedAddressEachWaitTheirTurnBeforeHashing() {
        failedLogin(); // one failure: 2 s per turn
        events.clear();
        // Five connections ask at the same moment, right after the failure was answered.
        for (int i = 0; i < 5; i++) {
            long before = now.get();
            throttle.beforeCheck(attacker);
            events.add("hash after " + (now.get() - before));
            now.set(before); // they all asked at the same time
        }
        assertEquals(List.of("hash after 0", "sleep 2000", "hash after 2000", "sleep 4000", "hash after 4000",
                "sleep 6000", "hash after 6000", "sleep 8000", "hash after 8000"), events);
    }

    @Test
    void aSuccessForgetsThePenalty() {
        failedLogin();
        throttle.succeeded(attacker);
        events.clear();
        throttle.beforeCheck(attacker);
        throttle.beforeCheck(attacker);
        assertEquals(List.of(), events);
    }
}
