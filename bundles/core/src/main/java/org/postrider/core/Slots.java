package org.postrider.core;

/**
 * A counting limit whose size can change while holders keep their slots: a new limit
 * applies to the next acquire, and slots taken under the old one are given back to the same
 * object, so a configuration change never lets more through than either limit allows for
 * long, and never loses a release (as swapping a Semaphore under running attempts did).
 */
final class Slots {
    private int limit;
    private int used;

    Slots(int limit) {
        this.limit = Math.max(1, limit);
    }

    synchronized void acquire() throws InterruptedException {
        while (used >= limit) {
            wait();
        }
        used++;
    }

    synchronized void release() {
        if (used <= 0) {
            throw new IllegalStateException("release without acquire");
        }
        used--;
        notifyAll();
    }

    synchronized void limit(int newLimit) {
        this.limit = Math.max(1, newLimit);
        notifyAll();
    }

    synchronized int used() {
        return used;
    }

    synchronized int limit() {
        return limit;
    }
}
