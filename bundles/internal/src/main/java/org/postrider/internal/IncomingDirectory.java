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
 */
final class IncomingDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingDirectory.class);
    private static final String LOCK = ".lock";
    /** Stream files of releases before per-instance folders, directly in incoming/: removed once surely stale. */
    static final Duration LEGACY_AGE = Duration.ofDays(1);

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private IncomingDirectory(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** Removes what instances that are gone left in {@code parent}, then makes and locks a folder of this one's. */
    static IncomingDirectory claim(Path parent) throws IOException {
        Files.createDirectories(parent);
        sweep(parent);
        for (int tries = 0; ; tries++) {
            String id = UUID.randomUUID().toString();
            Path lockFile = parent.resolve(id + LOCK);
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock l = null;
            try {
                l = tryLock(ch);
                // a sweeper that took the fresh file for a dead one's may have removed it before we locked
                if (l != null && Files.exists(lockFile)) {
                    Path dir = parent.resolve(id);
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                    return new IncomingDirectory(dir, lockFile, ch, l);
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            ch.close();
            if (tries >= 10) {
                throw new IOException("cannot claim a folder of its own in " + parent);
            }
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by another instance in this JVM
        }
    }

    /** Folders of instances whose lock nobody holds, and legacy files older than {@link #LEGACY_AGE}. */
    static void sweep(Path parent) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(LOCK)) {
                    sweepOwner(p, parent.resolve(name.substring(0, name.length() - LOCK.length())));
                } else if (Files.isDirectory(p)) {
                    if (!Files.exists(parent.resolve(name + LOCK))) {
                        // its owner locks its file before making it: a folder without one is a sweep cut short
                        removeTree(p);
                    }
                } else if (Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(LEGACY_AGE))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void sweepOwner(Path lockFile, Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
            return; // another sweeper was quicker
        }
        try (ch) {
            FileLock l = tryLock(ch);
            if (l == null) {
                return; // a live instance's
            }
            int files = removeTree(dir);
            Files.deleteIfExists(lockFile); // after the folder: a folder never outlives its lock file
            if (files > 0) {
                LOG.info("Removed {} unacknowledged typed message streams left by an instance that is gone ({})", files,
                        dir.getFileName());
            }
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

    /** This instance's folder. */
    Path path() {
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
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the channel is closed: the lock is gone with it
            }
        }
    }
}
