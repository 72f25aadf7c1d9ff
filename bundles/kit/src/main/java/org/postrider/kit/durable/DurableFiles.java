package org.postrider.kit.durable;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one durable-write helper (after chasquid's safeio): every state file of Postrider,
 * spool, store index, directory, is written through here, so "on disk" means the same
 * thing everywhere: the data is fsynced, the rename is atomic, and the directory entry is
 * fsynced too.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Writes content produced by {@code writer} to {@code target}, replacing it atomically and durably. */
    public static void write(Path target, ContentWriter writer) throws IOException {
        write(target, writer, new FileAttribute<?>[0]);
    }

    /**
     * As {@link #write(Path, ContentWriter)}, for secrets: the file is created readable by its
     * owner only, so there is no moment when others could open it (as a chmod after writing allows).
     */
    public static void writeOwnerOnly(Path target, ContentWriter writer) throws IOException {
        write(target, writer, OWNER_ONLY);
    }

    private static void write(Path target, ContentWriter writer, FileAttribute<?>... attributes) throws IOException {
        Path tmp = tempSibling(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    attributes)) {
                OutputStream out = Channels.newOutputStream(ch);
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            moveDurably(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * As {@link #write(Path, byte[])}, with the fsync of the directory shared with the other
     * writers into it ({@code directory} is the group sync of {@code target}'s directory):
     * returns once the content and the rename are durable.
     */
    public static void write(Path target, byte[] content, GroupSync directory) throws IOException {
        Path tmp = tempSibling(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        directory.sync();
    }

    /** Writes bytes to {@code target}, replacing it atomically and durably. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Renames atomically and fsyncs the target's directory. The source must already be synced. */
    public static void moveDurably(Path source, Path target) throws IOException {
        move(source, target);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Renames atomically without the directory fsync, for callers that group it ({@link GroupSync}). */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("atomic rename not possible from " + source + " to " + target
                    + ": keep them on one file system", e);
        }
    }

    /** Makes a directory's entries (creations, renames, deletions) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Creates a directory and makes its entry in the parent durable. */
    public static void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        createDirectories(abs.getParent());
        Files.createDirectories(abs);
        syncDirectory(abs.getParent());
    }

    /** Deletes a file if it exists and makes the deletion durable. */
    public static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /**
     * Deletes the temporary files a crash left in a directory (those {@link #tempSibling}
     * names), at start, before anyone writes there. Returns how many there were.
     */
    public static int removeStaleTemporaries(Path dir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A temporary name in the same directory (so the rename stays on one file system), hidden by a dot. */
    public static Path tempSibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".tmp");
    }

    /** Writes the content of a durable file. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(OutputStream out) throws IOException;
    }
}
