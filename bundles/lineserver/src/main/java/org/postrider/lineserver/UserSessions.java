package org.postrider.lineserver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open sessions per logged-in user, counted over all listeners of one protocol, so that one
 * account (stolen, or a misconfigured client) cannot take every slot (SECURITY.md bar 5).
 */
final class UserSessions {
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    /** Counts a session in; false, counting nothing, when the user already has {@code max}. */
    boolean enter(String user, int max) {
        boolean[] in = new boolean[1];
        open.compute(user, (u, n) -> {
            int now = n == null ? 0 : n;
            in[0] = now < max;
            return in[0] ? now + 1 : n;
        });
        return in[0];
    }

    void leave(String user) {
        open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    int count(String user) {
        return open.getOrDefault(user, 0);
    }
}
