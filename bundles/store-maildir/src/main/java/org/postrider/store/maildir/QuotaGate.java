package org.postrider.store.maildir;

import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.postrider.api.store.StoreException;

/**
 * Makes a quota's check and the write it admits one step for each user with a quota: two
 * deliveries to a mailbox one message from full, checked at once, would both find room. Users
 * without a quota pass without a lock. Users share one of {@value #STRIPES} locks, so the
 * memory is fixed; a write under one waits only for writes of users hashed beside it that also
 * have quotas.
 */
final class QuotaGate {
    private static final int STRIPES = 64;

    /** A write (or a check and a write) that the gate runs. */
    @FunctionalInterface
    interface Write<T> {
        T run() throws StoreException;
    }

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    QuotaGate() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Runs {@code checkAndWrite} alone among the writes of {@code user} if {@code limited}, else at once. */
    <T> T pass(String user, boolean limited, Write<T> checkAndWrite) throws StoreException {
        if (!limited) {
            return checkAndWrite.run();
        }
        ReentrantLock lock = stripes[Math.floorMod(user.toLowerCase(Locale.ROOT).hashCode(), STRIPES)];
        lock.lock();
        try {
            return checkAndWrite.run();
        } finally {
            lock.unlock();
        }
    }
}
