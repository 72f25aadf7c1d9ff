package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.StoreException;

/** A message file, found anew at each open (a flag change renames it). */
final class StoredContent implements MessageContent {
    private final FolderHandle h;
    private final long uid;
    private final long size;

    StoredContent(FolderHandle h, long uid, long size) {
        this.h = h;
        this.uid = uid;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    private InputStream opened(InputStream in) throws NoSuchFileException {
        if (in == null) {
            throw new NoSuchFileException("message " + uid + " has been expunged");
        }
        return in;
    }

    @Override
    public InputStream open() throws IOException {
        try {
            return opened(h.call(f -> f.open(uid, 0, -1)));
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        try {
            return opened(h.call(f -> f.open(uid, offset, length)));
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
