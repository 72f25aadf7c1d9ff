package org.postrider.kit.durable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of one directory's fsync: many writers that renamed a file into the
 * directory wait for a single fsync that started after their rename, instead of each
 * paying for one. A writer whose rename happened before a sync began must wait for the
 * next one, so no writer returns before its own rename is durable.
 */
public final class GroupSync {
    /** A j.u.c. lock, not a monitor: SMTP sessions wait here on virtual threads, which a monitor pins (JDK 21-23). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    /** Generation of the sync currently running or last finished. */
    private long started;
    private long finished;
    private boolean running;
    private Throwable lastFailure;
    /** The newest generation whose fsync succeeded: one success after a writer's rename is all it needs. */
    private long succeeded;

    public GroupSync(Path dir) {
        this(() -> DurableFiles.syncDirectory(dir));
    }

    /** The fsync itself, replaceable in tests (also of its users) to count, order and fail it. */
    public interface Syncer {
        void sync() throws IOException;
    }

    private final Syncer syncer;

    /** A group over another sync than a directory's fsync: for tests of those who group theirs. */
    public GroupSync(Syncer syncer) {
        this.syncer = syncer;
    }

    /** Returns once an fsync of the directory that began after this call has completed. */
    public void sync() throws IOException {
        long needed;
        lock.lock();
        try {
            // A sync already running may have begun before our rename: we need the one after it.
            needed = running ? started + 1 : finished + 1;
            while (true) {
                if (succeeded >= needed) {
                    return;
                }
                if (finished >= needed) {
                    // every sync since our rename failed (a later success would have returned above)
                    throw new IOException("directory sync failed", lastFailure);
                }
                if (!running) {
                    break; // we run the sync ourselves, for everyone waiting
                }
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for a directory sync", e);
                }
            }
            running = true;
            started = finished + 1;
        } finally {
            lock.unlock();
        }
        Throwable failure = null;
        try {
            syncer.sync();
        } catch (Throwable e) {
            // an Error or unchecked exception too: left running, the group would wait for it forever
            failure = e;
        }
        lock.lock();
        try {
            finished = started;
            running = false;
            if (failure != null) {
                lastFailure = failure;
            } else {
                succeeded = finished;
            }
            done.signalAll();
        } finally {
            lock.unlock();
        }
        if (failure instanceof IOException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IOException("directory sync failed", failure);
        }
    }
}
