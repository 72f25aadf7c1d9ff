package org.postrider.kit.service;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One optional, dynamic service reference that callers can wait for. When the service's bundle
 * is updated or its component reconfigured, SCR unbinds the old service before the new one is
 * registered (a greedy replacement by another service binds the new one first); a caller that
 * meets that gap waits for the new one, up to a bound it names, instead of failing a command
 * a moment too early. Once the holder stops ({@link #close()}) nobody waits any more. Reading
 * the bound service is a volatile read.
 */
public final class ServiceSlot<T> {
    /** How long a caller waits for a replacement: a bundle update or reconfiguration takes well under it. */
    public static final long REPLACEMENT_WAIT_SECONDS = 10;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition bound = lock.newCondition();
    private volatile T current;
    private volatile boolean closed;

    /** From the component's bind method. */
    public void bind(T service) {
        lock.lock();
        try {
            current = service;
            bound.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** From the unbind method: clears the slot only if it still holds this service. */
    public void unbind(T service) {
        lock.lock();
        try {
            if (current == service) {
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The holder stops: waiters return at once, and later calls do not wait (the service
     * they would wait for may be stopping with it, as at shutdown or a library refresh).
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            bound.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The service bound now, or null. */
    public T now() {
        return current;
    }

    /** The service bound now, or the one bound within REPLACEMENT_WAIT_SECONDS; null if none came. */
    public T awaitReplacement() {
        return await(REPLACEMENT_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * The service bound now, or the first one bound within the wait; null if none came or
     * the slot is closed. An interrupt ends the wait early (and stays set).
     */
    public T await(long timeout, TimeUnit unit) {
        T t = current;
        if (t != null || closed) {
            return t;
        }
        long left = unit.toNanos(timeout);
        lock.lock();
        try {
            while ((t = current) == null && left > 0 && !closed) {
                left = bound.awaitNanos(left);
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return current;
        } finally {
            lock.unlock();
        }
    }
}
