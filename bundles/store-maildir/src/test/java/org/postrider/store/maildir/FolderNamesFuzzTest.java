package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.postrider.api.store.StoreException;
import org.postrider.kit.text.PercentCodec;

/**
 * Fuzz target: no folder name, however hostile, maps outside the user's Maildir or to another
 * folder's name; the store's unescaping (with its fast path for ASCII) answers as PercentCodec does.
 */
class FolderNamesFuzzTest {
    private static final Path USER = Path.of("/srv/mail/example.org/alice");

    @FuzzTest(maxDuration = "30s")
    void mapping(byte[] input) {
        String name = new String(input, StandardCharsets.UTF_8);
        assertEquals(PercentCodec.decode(name), FolderNames.unescape(name));
        String latin = new String(input, StandardCharsets.ISO_8859_1);
        assertEquals(PercentCodec.decode(latin), FolderNames.unescape(latin));
        Path dir;
        try {
            dir = FolderNames.folderDir(USER, name);
        } catch (StoreException refused) {
            return;
        }
        assertTrue(dir.normalize().equals(dir), dir.toString());
        assertTrue(dir.equals(USER) || dir.getParent().equals(USER), dir.toString());
        if (!dir.equals(USER)) {
            String back;
            try {
                back = FolderNames.canonical(name);
            } catch (StoreException e) {
                throw new AssertionError(e);
            }
            assertEquals(back, FolderNames.folderOf(dir.getFileName().toString()));
        }
    }
}
