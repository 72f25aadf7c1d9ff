package org.postrider.itest.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.IntFunction;

/**
 * A Maildir filled by "another tool" with 100-octet messages named as Dovecot names them
 * (",W=" the CRLF size, so a store need not read a file to know its size; or ",S=" alone, the
 * length on disk, which says nothing of the CRLF size), every file's access time set far back:
 * {@link #filesRead()} then counts the files someone opened since.
 */
public final class UntouchedMaildir {
    private static final FileTime OLD = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
    private static final byte[] BODY = ("Subject: filler\r\n\r\n" + "x".repeat(79) + "\r\n").getBytes();
    public static final int MESSAGE_SIZE = 100;

    private final Path cur;
    private final boolean atimeWorks;

    private UntouchedMaildir(Path cur, boolean atimeWorks) {
        this.cur = cur;
        this.atimeWorks = atimeWorks;
    }

    /** Writes {@code count} messages into {@code maildir}/cur, message i with the flags {@code flags(i)}. */
    public static UntouchedMaildir fill(Path maildir, int count, IntFunction<String> flags) throws IOException {
        return fill(maildir, count, flags, true);
    }

    /** As {@link #fill(Path, int, IntFunction)}; without {@code crlfSize}, the names carry ",S=" alone. */
    public static UntouchedMaildir fill(Path maildir, int count, IntFunction<String> flags, boolean crlfSize)
            throws IOException {
        for (String d : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(maildir.resolve(d));
        }
        Path cur = maildir.resolve("cur");
        Path probe = null;
        for (int i = 0; i < count; i++) {
            Path f = cur.resolve("1700000000.M" + i + "P1.othertool,S=100" + (crlfSize ? ",W=100" : "") + ":2,"
                    + flags.apply(i));
            Files.write(f, BODY);
            age(f);
            probe = probe == null ? f : probe;
        }
        // Does reading a file move its access time here (not mounted noatime)? Then the count is sound.
        boolean atimeWorks = false;
        if (probe != null) {
            Files.readAllBytes(probe);
            atimeWorks = !lastAccess(probe).equals(OLD);
            age(probe);
        }
        return new UntouchedMaildir(cur, atimeWorks);
    }

    /** False where the file system does not record reads (noatime): {@link #filesRead()} then proves nothing. */
    public boolean readsAreRecorded() {
        return atimeWorks;
    }

    /** How many message files were opened since {@link #fill}. */
    public int filesRead() throws IOException {
        int read = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cur)) {
            for (Path f : files) {
                if (!lastAccess(f).equals(OLD)) {
                    read++;
                }
            }
        }
        return read;
    }

    /** Sets every file's access time far back again: {@link #filesRead()} counts from now. */
    public void forget() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cur)) {
            for (Path f : files) {
                age(f);
            }
        }
    }

    private static void age(Path f) throws IOException {
        Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(null, OLD, null);
    }

    private static FileTime lastAccess(Path f) throws IOException {
        return Files.readAttributes(f, BasicFileAttributes.class).lastAccessTime();
    }
}
