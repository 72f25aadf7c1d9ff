package org.postrider.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Literal files a killed server left behind are removed at the next start, recent ones kept. */
class LeftLiteralsTest {
    @TempDir
    Path dir;

    @Test
    void oldLiteralFilesGoRecentOnesAndOtherFilesStay() throws Exception {
        Path old = Files.writeString(dir.resolve("append123.tmp"), "left by kill -9");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.writeString(dir.resolve("append456.tmp"), "a session's, now");
        Path other = Files.writeString(dir.resolve("notes.txt"), "not ours");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        assertEquals(1, ImapService.removeLeftLiterals(dir));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(fresh) && Files.exists(other));
    }
}
