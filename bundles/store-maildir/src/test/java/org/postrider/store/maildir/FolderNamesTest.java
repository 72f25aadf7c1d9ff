package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.StoreException;

class FolderNamesTest {
    final Path root = Path.of("/srv/mail");

    @Test
    void mapsUsersAndFoldersInsideTheRoot() throws Exception {
        Path user = FolderNames.userDir(root, "Alice.Smith@Example.org");
        assertEquals(Path.of("/srv/mail/example.org/alice.smith"), user);
        assertEquals(user, FolderNames.folderDir(user, "inbox"));
        assertEquals(user.resolve(".Work.2024"), FolderNames.folderDir(user, "Work/2024"));
        assertEquals(user.resolve(".%2E%2E.etc"), FolderNames.folderDir(user, "../etc"));
    }

    @Test
    void userDirectoriesArePlainWhereSafeAndEscapedWholeElseOneToOne() throws Exception {
        assertEquals(Path.of("/srv/mail/example.org/bob+tag=x_y-z"),
                FolderNames.userDir(root, "bob+tag=x_y-z@example.org"));
        assertEquals(Path.of("/srv/mail/example.org/%22%2E%2E%2F%2E%2E%22"),
                FolderNames.userDir(root, "\"../..\"@example.org"));
        assertEquals(Path.of("/srv/mail/%5B127%2E0%2E0%2E1%5D/x"), FolderNames.userDir(root, "x@[127.0.0.1]"));
        // "a%2Eb" the local part would be escaped ('%'), so it cannot meet the plain "a.b"
        assertEquals("a%252Eb", FolderNames.dirName("a%2Eb"));
        assertEquals("a.b", FolderNames.dirName("a.b"));
        assertEquals("%2Ehidden", FolderNames.dirName(".hidden"));
    }

    @Test
    void traversalAttemptsStayInside() throws Exception {
        Path user = FolderNames.userDir(root, "alice@example.org");
        for (String evil : new String[] {"..", "../..", "~root", "/etc/passwd", "a/../../b", ".hidden", "%2e%2e"}) {
            try {
                Path p = FolderNames.folderDir(user, evil).normalize();
                assertTrue(p.equals(user) || p.getParent().equals(user), evil + " -> " + p);
            } catch (StoreException refused) {
                // refusing is safe too
            }
        }
        assertThrows(StoreException.class, () -> FolderNames.folderDir(user, ""));
        assertThrows(StoreException.class, () -> FolderNames.folderDir(user, "a//b"));
        assertThrows(StoreException.class, () -> FolderNames.folderDir(user, "a\nb"));
        assertThrows(StoreException.class, () -> FolderNames.userDir(root, "../../etc@example.org"));
    }

    @Test
    void escapingIsReversibleAndCanonical() {
        for (String s : new String[] {"Work", "Entwürfe", "a.b", "..", "with space", "日本語", "%41"}) {
            assertEquals(s, FolderNames.unescape(FolderNames.escape(s)));
        }
        assertNull(FolderNames.unescape("%41"), "a non-canonical escape must not decode");
        assertEquals("Work/2024", FolderNames.folderOf(".Work.2024"));
        assertNull(FolderNames.folderOf(".."));
        assertNull(FolderNames.folderOf(".a..b"));
    }
}
