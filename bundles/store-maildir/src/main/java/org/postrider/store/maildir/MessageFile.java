package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A message's file as it was named when the folder's lock was last held, with its size as
 * served and its key for {@link CrlfView}: opened later without the lock. A flag change (a
 * rename) or an expunge meanwhile makes the open fail with NoSuchFileException; the caller
 * then asks the folder again ({@link LocatedContent}).
 */
record MessageFile(Path path, long size, Object key) {
    InputStream open(long offset, long length) throws IOException {
        return CrlfView.open(path, size, offset, length, key);
    }
}
