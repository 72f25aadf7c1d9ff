package org.postrider.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's own folder under {@code incoming/} for the streams of typed messages while
 * they arrive: {@code incoming/ID/}, owned through an OS lock on {@code incoming/ID.lock} held
 * as long as the instance lives. Another instance sharing {@code incoming/} (the same secret
 * folder) has folders of its own, and only folders whose lock nobody holds (their instance is
 * gone: the OS drops the lock of a process killed with -9) are removed, at start. Nothing
 * here is ever the only copy of an acknowledged message: its MIME is committed to the queue
 * before the ACK, and a half-received file is never delivered, only removed.
 * <p>
 * On a filesystem without locks (tryLock fails with an IOException) the instance warns and
 * keeps a folder of its own without a lock: it refreshes its lock file's time while in use, and
 * folders of others are removed only once their lock file and files are {@link #LEGACY_AGE} old.
 * The lock files this JVM holds are never opened by a sweep: closing any channel to a file
 * drops the process's POSIX lock on it, which would leave a live folder to other sweepers.
 */
final class IncomingDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingDirectory.class);
    private static final String LOCK = ".lock";
    /** Stream files of releases before per-instance folders, directly in incoming/: removed once surely stale. */
    static final Duration LEGACY_AGE = Duration.ofDays(1);

    /** The lock files this JVM holds (or is making): a sweep here must not open them (see above). */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    /** Null on a filesystem without locks. */
    private final FileLock lock;

    private IncomingDirectory(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    private static Path key(Path lockFile) {
        return lockFile.toAbsolutePath().normalize();
    }

    /** Whether this JVM holds the lock of {@code lockFile}'s folder (for tests). */
    static boolean heldHere(Path lockFile) {
        return HELD.contains(key(lockFile));
    }

    /** How a lock is tried: the channel's own tryLock, or a filesystem without locks in tests. */
    interface Locker {
        FileLock tryLock(FileChannel ch) throws IOException;
    }

    /** Removes what instances that are gone left in {@code parent}, then makes and locks a folder of this one's. */
    static IncomingDirectory claim(Path parent) throws IOException {
        return claim(parent, FileChannel::tryLock);
    }

    static IncomingDirectory claim(Path parent, Locker locker) throws IOException {
        Files.createDirectories(parent);
        sweep(parent, locker);
        for (int tries = 0; ; tries++) {
            String id = UUID.randomUUID().toString();
            Path lockFile = parent.resolve(id + LOCK);
            HELD.add(key(lockFile)); // before it exists: a sweep in this JVM never opens it
            FileChannel ch;
            try {
                ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException | RuntimeException e) {
                HELD.remove(key(lockFile));
                throw e;
            }
            FileLock l = null;
            try {
                try {
                    l = tryLock(ch, locker);
                } catch (IOException e) {
                    LOG.warn("{} takes no file locks ({}): typed message streams go to a folder of this instance's"
                            + " without a lock; folders left by instances that are gone are removed once a day old",
                            parent, e.toString());
                    return new IncomingDirectory(makeDir(parent.resolve(id)), lockFile, ch, null);
                }
                // a sweeper that took the fresh file for a dead one's may have removed it before we locked
                if (l != null && Files.exists(lockFile)) {
                    return new IncomingDirectory(makeDir(parent.resolve(id)), lockFile, ch, l);
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                HELD.remove(key(lockFile));
                throw e;
            }
            ch.close();
            HELD.remove(key(lockFile));
            if (tries >= 10) {
                throw new IOException("cannot claim a folder of its own in " + parent);
            }
        }
    }

    private static Path makeDir(Path dir) throws IOException {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private static FileLock tryLock(FileChannel ch, Locker locker) throws IOException {
        try {
            return locker.tryLock(ch);
        } catch (OverlappingFileLockException e) {
            return null; // held by another instance in this JVM
        }
    }

    /** Folders of instances whose lock nobody holds, and legacy files older than {@link #LEGACY_AGE}. */
    static void sweep(Path parent, Locker locker) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(LOCK)) {
                    sweepOwner(p, parent.resolve(name.substring(0, name.length() - LOCK.length())), locker);
                } else if (Files.isDirectory(p)) {
                    if (!Files.exists(parent.resolve(name + LOCK))) {
                        // its owner locks its file before making it: a folder without one is a sweep cut short
                        removeTree(p);
                    }
                } else if (old(p, Instant.now().minus(LEGACY_AGE))) { // or gone: the folder of a lock file before it
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void sweepOwner(Path lockFile, Path dir, Locker locker) throws IOException {
        if (HELD.contains(key(lockFile))) {
            return; // this JVM's: opening and closing a channel to it would drop its lock
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
            return; // another sweeper was quicker
        }
        try (ch) {
            try {
                if (tryLock(ch, locker) == null) {
                    return; // a live instance's
                }
            } catch (IOException e) { // a filesystem without locks: only the age tells a folder is left
                if (!olderThan(LEGACY_AGE, lockFile, dir)) {
                    return;
                }
            }
            int files = removeTree(dir);
            Files.deleteIfExists(lockFile); // after the folder: a folder never outlives its lock file
            if (files > 0) {
                LOG.info("Removed {} unacknowledged typed message streams left by an instance that is gone ({})", files,
                        dir.getFileName());
            }
        }
    }

    /** Whether the lock file, the folder and every file in it are older than {@code age}. */
    private static boolean olderThan(Duration age, Path lockFile, Path dir) throws IOException {
        Instant limit = Instant.now().minus(age);
        if (!old(lockFile, limit) || Files.isDirectory(dir) && !old(dir, limit)) {
            return false;
        }
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    if (!old(f, limit)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static boolean old(Path p, Instant limit) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(limit);
        } catch (IOException e) {
            return true; // gone meanwhile
        }
    }

    /** Removes a folder and the files in it (it has no subfolders); returns how many files. */
    private static int removeTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
                n++;
            }
        }
        Files.deleteIfExists(dir);
        return n;
    }

    /**
     * This instance's folder. Without a lock, its lock file's time says it is in use, and the
     * folder is made again if an instance took it for one left after a day of no use.
     */
    Path path() {
        if (lock == null) {
            try {
                if (!Files.exists(lockFile)) {
                    Files.createFile(lockFile);
                }
                Files.setLastModifiedTime(lockFile, java.nio.file.attribute.FileTime.from(Instant.now()));
                if (!Files.isDirectory(dir)) {
                    makeDir(dir);
                }
            } catch (IOException e) {
                LOG.warn("Cannot keep {} for typed message streams: {}", dir, e.toString());
            }
        }
        return dir;
    }

    /** Removes the folder (its files are nobody's once the sessions are gone) and lets the lock go. */
    @Override
    public void close() {
        try {
            removeTree(dir);
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            LOG.warn("Cannot remove {}: removed by the next start", dir, e);
        } finally {
            try {
                if (lock != null) {
                    lock.release();
                }
                channel.close();
            } catch (IOException ignored) {
                // the channel is closed: the lock is gone with it
            } finally {
                HELD.remove(key(lockFile));
            }
        }
    }
}
