package org.postrider.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** incoming/: each instance cleans only what it owns, and what instances that are gone left. */
class IncomingDirectoryTest {
    @Test
    void anInstanceStartingBesideAnotherLeavesItsFilesAlone() throws Exception {
        Path parent = Files.createTempDirectory("incoming");
        try (IncomingDirectory a = IncomingDirectory.claim(parent)) {
            Path receiving = Files.writeString(a.path().resolve("typed1.streams"), "half of a message");
            try (IncomingDirectory b = IncomingDirectory.claim(parent)) {
                assertNotEquals(a.path(), b.path());
                assertTrue(Files.exists(receiving), "the other instance's message in progress is not removed");
            }
            assertTrue(Files.exists(receiving));
        }
        try (var left = Files.list(parent)) {
            assertEquals(0, left.count(), "a stopped instance takes its folder and lock file with it");
        }
    }

    @Test
    void whatAnInstanceKilledWithMinus9LeftIsRemovedAtTheNextStart() throws Exception {
        Path parent = Files.createTempDirectory("incoming");
        // as a kill -9 leaves it: the folder and its lock file, the lock itself dropped by the OS
        Files.createFile(parent.resolve("dead.lock"));
        Path dead = Files.createDirectory(parent.resolve("dead"));
        Files.writeString(dead.resolve("typed9.streams"), "a half-received message: never acknowledged");
        Path orphan = Files.createDirectory(parent.resolve("orphan")); // a sweep cut short after the lock file went
        Files.writeString(orphan.resolve("typed8.streams"), "x");
        Path legacyOld = Files.writeString(parent.resolve("typed7.streams"), "an earlier release's, long gone");
        Files.setLastModifiedTime(legacyOld, FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS)));
        Path legacyNew = Files.writeString(parent.resolve("typed6.streams"), "an earlier release's, maybe live");
        try (IncomingDirectory a = IncomingDirectory.claim(parent)) {
            assertFalse(Files.exists(dead));
            assertFalse(Files.exists(parent.resolve("dead.lock")));
            assertFalse(Files.exists(orphan));
            assertFalse(Files.exists(legacyOld));
            assertTrue(Files.exists(legacyNew));
            assertTrue(Files.isDirectory(a.path()));
        }
    }

    /** Whether this process holds a POSIX lock on the file, as the kernel says (Linux). */
    private static boolean lockedByThisProcess(Path file) throws Exception {
        long ino = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        long pid = ProcessHandle.current().pid();
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            // 1: POSIX  ADVISORY  WRITE 4711 08:01:123456 0 EOF
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals(Long.toString(pid)) && f[i + 1].endsWith(":" + ino)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aSweepLeavesTheLocksThisJvmHoldsInPlace() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/locks")), "Linux only");
        Path parent = Files.createTempDirectory("incoming");
        try (IncomingDirectory a = IncomingDirectory.claim(parent)) {
            Path lockFile = parent.resolve(a.path().getFileName() + ".lock");
            assertTrue(lockedByThisProcess(lockFile), "claimed: locked");
            try (IncomingDirectory b = IncomingDirectory.claim(parent)) { // its sweep passes a's lock file
                assertTrue(lockedByThisProcess(lockFile),
                        "a sweep that opened and closed a channel to it would have dropped the lock");
                assertTrue(Files.isDirectory(a.path()));
            }
            assertTrue(lockedByThisProcess(lockFile));
        }
    }

    private static final IncomingDirectory.Locker NO_LOCKS = ch -> {
        throw new java.io.IOException("No locks available");
    };

    @Test
    void onAFilesystemWithoutLocksAFolderOfItsOwnAndOthersAreRemovedOnlyByAge() throws Exception {
        Path parent = Files.createTempDirectory("incoming");
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS));
        Path gone = Files.createDirectory(parent.resolve("gone"));
        Files.setLastModifiedTime(Files.writeString(gone.resolve("typed9.streams"), "x"), twoDaysAgo);
        Files.setLastModifiedTime(gone, twoDaysAgo);
        Files.setLastModifiedTime(Files.createFile(parent.resolve("gone.lock")), twoDaysAgo);
        Path live = Files.createDirectory(parent.resolve("live")); // another instance's, without a lock either
        Path receiving = Files.writeString(live.resolve("typed8.streams"), "half of a message");
        Files.createFile(parent.resolve("live.lock"));
        try (IncomingDirectory a = IncomingDirectory.claim(parent, NO_LOCKS)) {
            assertTrue(Files.isDirectory(a.path()), "the transport starts, with a folder of its own");
            assertFalse(Files.exists(gone), "a day old: left by an instance that is gone");
            assertFalse(Files.exists(parent.resolve("gone.lock")));
            assertTrue(Files.exists(receiving), "no lock tells it is live: its age does");
            try (IncomingDirectory b = IncomingDirectory.claim(parent, NO_LOCKS)) {
                assertTrue(Files.isDirectory(a.path()), "a's folder is left to it");
                assertNotEquals(a.path(), b.path());
            }
            Path file = Files.writeString(a.path().resolve("typed1.streams"), "in use");
            assertTrue(Files.exists(file));
        }
    }
}
