package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutMigrationTest {
    @TempDir
    Path root;

    private Path message(Path userDir) throws Exception {
        Path cur = Files.createDirectories(userDir.resolve("cur"));
        return Files.writeString(cur.resolve("1.host,U=1:2,S"), "Subject: kept\r\n\r\nbody\r\n");
    }

    @Test
    void mailboxesOfTheOldLayoutMoveToPlainNamesWithTheirMail() throws Exception {
        message(root.resolve("example%2Eorg/alice%2Esmith"));
        message(root.resolve("example%2Eorg/bob"));
        message(root.resolve("example%2Eorg/alice%2Esmith/.Work")); // a folder inside is not renamed
        message(root.resolve("example.net/carol")); // already of today's layout
        LayoutMigration.run(root);
        assertFalse(Files.exists(root.resolve("example%2Eorg")));
        assertEquals("Subject: kept\r\n\r\nbody\r\n",
                Files.readString(root.resolve("example.org/alice.smith/cur/1.host,U=1:2,S")));
        assertTrue(Files.exists(root.resolve("example.org/bob/cur/1.host,U=1:2,S")));
        assertTrue(Files.exists(root.resolve("example.org/alice.smith/.Work/cur/1.host,U=1:2,S")));
        assertTrue(Files.exists(root.resolve("example.net/carol/cur/1.host,U=1:2,S")));
        assertEquals(FolderNames.userDir(root, "Alice.Smith@example.org"), root.resolve("example.org/alice.smith"));

        LayoutMigration.run(root); // a second start changes nothing
        assertTrue(Files.exists(root.resolve("example.org/alice.smith/cur/1.host,U=1:2,S")));
        assertTrue(Files.exists(root.resolve(LayoutMigration.MARKER)), "done once; later starts skip the scan");
        message(root.resolve("example%2Ecom/late")); // what appears after is not the store's doing
        LayoutMigration.run(root);
        assertTrue(Files.exists(root.resolve("example%2Ecom/late")));
    }

    @Test
    void whereBothLayoutsExistNothingIsMovedOrMerged() throws Exception {
        Path old = message(root.resolve("example%2Eorg/dave"));
        Path now = message(root.resolve("example.org/dave"));
        LayoutMigration.run(root);
        Files.delete(root.resolve(LayoutMigration.MARKER));
        LayoutMigration.run(root);
        assertTrue(Files.exists(old) && Files.exists(now), "left for the administrator");
    }
}
