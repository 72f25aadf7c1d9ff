package org.postrider.gateway.pickup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;

/**
 * Files written so that a reader sees a whole file or none, and a crash loses neither: a
 * temporary name in the same folder (a dot first, which the foreign system is told to skip),
 * fsync, rename, fsync of the folder. The server has its own helper for this (kit's
 * DurableFiles); a gateway built against the API alone has this one.
 */
final class DurableWrite {
    /** Temporary files start with this; a crash may leave one, removed at the next start. */
    static final String TEMP_PREFIX = ".postrider-tmp-";

    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private DurableWrite() {
    }

    static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                OutputStream out = Channels.newOutputStream(ch);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames within one file system and makes the rename durable in both folders. */
    static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(to.toAbsolutePath().getParent());
        syncDirectory(from.toAbsolutePath().getParent());
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Removes temporary files a crash left in a folder (none was ever renamed to a name a
     * reader takes), those older than {@code age}: a younger one may be the write of the
     * instance this one replaces, still finishing.
     */
    static int removeLeftovers(Path dir, java.time.Duration age) throws IOException {
        int n = 0;
        long before = System.currentTimeMillis() - age.toMillis();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : s) {
                if (Files.getLastModifiedTime(p).toMillis() < before) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        }
        return n;
    }
}
