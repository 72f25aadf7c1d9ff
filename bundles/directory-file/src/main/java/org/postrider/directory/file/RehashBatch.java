package org.postrider.directory.file;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Password hashes redone at logins (another count, the legacy scheme), waiting to be
 * written: the first schedules one write a short delay later, and every other that comes
 * before it joins the same write, so a morning of users logging in after a change of
 * {@code passwordIterations} rewrites the directory file a few times, not once per user,
 * and never inside the login (nor inside its slot of the bound on hashes at once).
 * <p>
 * Losing one (kill -9 before the write) costs nothing but time: the old hash stays valid and
 * the user's next password login redoes it. {@link #close} writes what waits, so a clean stop
 * loses none. At most one record per user waits.
 */
final class RehashBatch {
    /** A user's hash, verified as {@code verified}, to be replaced by {@code fresh} (same password). */
    record Rehash(String verified, String fresh) {
    }

    /** Runs a task after a delay; tests run it when they choose. */
    @FunctionalInterface
    interface Later {
        void run(Duration delay, Runnable task);
    }

    static final Duration DELAY = Duration.ofSeconds(2);

    private final Duration delay;
    private final Later later;
    private final Consumer<Map<String, Rehash>> write;
    private Map<String, Rehash> pending = new LinkedHashMap<>();
    private boolean scheduled;
    private boolean closed;

    /** @param write writes the batch durably (one file write) unless the hashes it replaces changed */
    RehashBatch(Duration delay, Later later, Consumer<Map<String, Rehash>> write) {
        this.delay = delay;
        this.later = later;
        this.write = write;
    }

    /** A later timer on a virtual thread of its own, alive only while a write waits. */
    static Later virtualThreads() {
        return (d, task) -> Thread.ofVirtual().name("directory-rehash-write").start(() -> {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
    }

    /** Whether this very rehash (the user's hash as verified) already waits: no need to hash again. */
    synchronized boolean waiting(String user, String verified) {
        Rehash r = pending.get(user);
        return r != null && r.verified().equals(verified);
    }

    /** The rehash, written in the next batch; a later one of the same user replaces it. */
    void add(String user, String verified, String fresh) {
        boolean now;
        synchronized (this) {
            pending.put(user, new Rehash(verified, fresh));
            now = closed;
            if (!now && !scheduled) {
                scheduled = true;
                later.run(delay, this::flush);
            }
        }
        if (now) {
            flush(); // after a stop began: at once, not lost
        }
    }

    /** Writes what waits, in one write. */
    void flush() {
        Map<String, Rehash> batch;
        synchronized (this) {
            batch = pending;
            pending = new LinkedHashMap<>();
            scheduled = false;
        }
        if (!batch.isEmpty()) {
            write.accept(batch); // two batches may overlap: the writer skips a record whose hash changed
        }
    }

    /** Writes what waits; later rehashes are written as they come. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        flush();
    }

    synchronized int size() {
        return pending.size();
    }
}
