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
}
