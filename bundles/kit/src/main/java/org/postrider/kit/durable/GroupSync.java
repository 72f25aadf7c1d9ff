package org.postrider.kit.durable;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Group commit of one directory's fsync: many writers that renamed a file into the
 * directory wait for a single fsync that started after their rename, instead of each
 * paying for one. A writer whose rename happened before a sync began must wait for the
 * next one, so no writer returns before its own rename is durable.
 */
public final class GroupSync {
    private final Path dir;
    private final Object lock = new Object();
    /** Generation of the sync currently running or last finished. */
    private long started;
    private long finished;
    private boolean running;
    private IOException lastFailure;
    /** The newest generation whose fsync succeeded: one success after a writer's rename is all it needs. */
    private long succeeded;

    public GroupSync(Path dir) {
        this.dir = dir;
    }

    /** Returns once an fsync of the directory that began after this call has completed. */
    public void sync() throws IOException {
        long needed;
        synchronized (lock) {
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
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for a directory sync", e);
                }
            }
            running = true;
            started = finished + 1;
        }
        IOException failure = null;
        try {
            DurableFiles.syncDirectory(dir);
        } catch (IOException e) {
            failure = e;
        }
        synchronized (lock) {
            finished = started;
            running = false;
            if (failure != null) {
                lastFailure = failure;
            } else {
                succeeded = finished;
            }
            lock.notifyAll();
            if (failure != null) {
                throw failure;
            }
        }
    }
}
