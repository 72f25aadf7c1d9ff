package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.postrider.api.store.StoreException;
import org.postrider.kit.durable.DurableFiles;

/**
 * Hands out the UIDVALIDITYs of one user's folders: each above every one handed out or
 * retired before (the user's {@code postrider-uidvalidity-floor}, raised durably before the
 * value is used), so no two folders of a user share one, even when made in the same second,
 * and a value is never used again. That is what makes a name plus a UIDVALIDITY name one
 * folder for good: an undo or any later call by (name, UIDVALIDITY) after a RENAME swap is
 * refused instead of reaching the other folder. The clock is the start (values stay near
 * the epoch seconds RFC 3501 suggests); a burst of new folders runs ahead of it.
 * Issuing and retiring hold {@code postrider-uidvalidity-lock} in the user's directory (an OS
 * lock: one at a time across store instances and processes too).
 */
final class UidValidities {
    static final String FLOOR = "postrider-uidvalidity-floor";
    static final String LOCK = "postrider-uidvalidity-lock";

    private UidValidities() {
    }

    /** A new UIDVALIDITY for a folder of the user at {@code userDir}, at least {@code atLeast}. */
    static long issue(Path userDir, long atLeast) throws IOException, StoreException {
        FolderLock l = FolderLock.takeFile(userDir.resolve(LOCK), FolderLock.WAIT);
        try {
            long v = Math.max(Math.max(1, Instant.now().getEpochSecond()), Math.max(floor(userDir) + 1, atLeast));
            DurableFiles.write(userDir.resolve(FLOOR), (v + "\n").getBytes(StandardCharsets.UTF_8));
            return v;
        } finally {
            l.release();
        }
    }

    /** Raises the floor to a folder's UIDVALIDITY (one made before the floor counted every folder). */
    static void retire(Path userDir, long v) throws IOException, StoreException {
        FolderLock l = FolderLock.takeFile(userDir.resolve(LOCK), FolderLock.WAIT);
        try {
            if (v > floor(userDir)) {
                DurableFiles.write(userDir.resolve(FLOOR), (v + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            l.release();
        }
    }

    /** The highest UIDVALIDITY handed out or retired for this user; 0 if none. */
    static long floor(Path userDir) {
        try {
            return Long.parseLong(Files.readString(userDir.resolve(FLOOR), StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            return 0; // none (or unreadable: the clock then starts the count again, as before)
        }
    }
}
