package org.postrider.core;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting limit whose size can change while holders keep their slots: a new limit
 * applies to the next acquire, and slots taken under the old one are given back to the same
 * object, so a configuration change never loses a release (as swapping a Semaphore under
 * running attempts did). A j.u.c. lock, not a monitor: waiting virtual threads must not pin
 * their carriers (JDK 21-23), or the holders could not run to release.
 */
final class Slots {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int limit;
    private int used;
    /** Attempts that hold or wait for this pool; guarded by the map that shares pools. */
    int users;

    Slots(int limit) {
        this.limit = Math.max(1, limit);
    }

    void acquire() throws InterruptedException {
        lock.lock();
        try {
            while (used >= limit) {
                freed.await();
            }
            used++;
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            if (used <= 0) {
                throw new IllegalStateException("release without acquire");
            }
            used--;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void limit(int newLimit) {
        lock.lock();
        try {
            this.limit = Math.max(1, newLimit);
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }
}
