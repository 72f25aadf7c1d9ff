package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.postrider.api.store.StoreException;

/**
 * The OS lock on {@code postrider-lock} in a folder, held while a {@link MaildirFolder} has
 * its index loaded: one writer per folder even across store instances (an old instance's
 * session during a restart) and processes. The OS drops it when the process dies, so a
 * crash leaves nothing to clean up.
 */
final class FolderLock {
    static final String FILE = "postrider-lock";
    static final Duration WAIT = Duration.ofSeconds(2);
    private static final long STEP_MILLIS = 20;
    /** Times a taker found a lock held and slept before trying again (for tests). */
    static final java.util.concurrent.atomic.LongAdder POLLS = new java.util.concurrent.atomic.LongAdder();

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, waiting at most {@code wait} for another holder to let go; temporary failure after that. */
    static FolderLock take(Path folderDir, Duration wait) throws IOException, StoreException {
        return takeFile(folderDir.resolve(FILE), wait);
    }

    /** As {@link #take}, on any lock file (an empty file that only ever serves as a lock). */
    static FolderLock takeFile(Path lockFile, Duration wait) throws IOException, StoreException {
        long deadline = System.nanoTime() + wait.toNanos();
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // held by another channel of this JVM (another store instance)
                }
                if (l != null) {
                    return new FolderLock(ch, l);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new StoreException(lockFile.getParent().getFileName() + " is in use by another writer", true);
                }
                try {
                    POLLS.increment();
                    Thread.sleep(STEP_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted waiting for " + lockFile.getParent().getFileName(), true, e);
                }
            }
        } catch (IOException | StoreException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Lets go of the lock (closing the channel releases it). */
    void release() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
