package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import org.postrider.api.message.MessageContent;

/**
 * A message whose file was found beforehand ({@link MessageFile}), opened without the
 * folder's lock; if the name is gone (renamed by a flag change, or expunged), opened as
 * {@link StoredContent} is, by finding the file again under the lock.
 */
final class LocatedContent implements MessageContent {
    private final MessageFile file;
    private final StoredContent again;

    LocatedContent(MessageFile file, StoredContent again) {
        this.file = file;
        this.again = again;
    }

    @Override
    public long size() {
        return file.size();
    }

    @Override
    public InputStream open() throws IOException {
        return open(0, -1);
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        try {
            return file.open(offset, length);
        } catch (NoSuchFileException e) {
            return again.open(offset, length);
        }
    }
}
