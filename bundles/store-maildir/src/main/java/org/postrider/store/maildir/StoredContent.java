package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.StoreException;

/**
 * A message file, found anew at each open (a flag change renames it), in the folder of the
 * UIDVALIDITY it was asked with: a folder of that name made since is another folder.
 */
final class StoredContent implements MessageContent {
    private final FolderHandle h;
    private final long validity;
    private final long uid;
    private final long size;

    StoredContent(FolderHandle h, long validity, long uid, long size) {
        this.h = h;
        this.validity = validity;
        this.uid = uid;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        return open(0, -1);
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        try {
            InputStream in = open(h, validity, uid, offset, length);
            if (in == null) {
                throw new NoSuchFileException("message " + uid + " has been expunged");
            }
            return in;
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Renames (flag changes) a message's file may meet between its lookup and its open before the open fails. */
    private static final int TRIES = 10;

    /**
     * Opens a message's file found under the folder's lock ({@link MaildirFolder#file}) after
     * the lock is released: if it was renamed meanwhile, found again. Null if expunged. A file
     * that cannot be opened or is not a regular file fails as the store does (temporarily),
     * so IMAP answers NO. Each lookup checks {@code validity}: a folder renamed away and made
     * again under its name between a lookup and its open fails the call
     * (UidValidityChangedException), never serving the new folder's message of that UID. A
     * file still named by the index after its open failed (another program removed it) makes
     * the folder reconcile before the next lookup: a message gone is then expunged (null).
     */
    static InputStream open(FolderHandle h, long validity, long uid, long offset, long length)
            throws StoreException {
        Path missing = null;
        boolean reconciled = false; // at most once an open: a name listed but never openable costs one listing
        for (int i = 1; ; i++) {
            Path last = reconciled ? null : missing;
            reconciled |= last != null;
            MessageFile file = h.call(f -> f.file(validity, uid, last));
            if (file == null) {
                return null;
            }
            try {
                return file.open(offset, length);
            } catch (NoSuchFileException e) {
                if (reconciled && file.path().equals(missing)) {
                    throw new StoreException("message " + uid + " is listed but its file cannot be opened", true, e);
                }
                missing = file.path();
                if (i == TRIES) {
                    throw new StoreException("the file of message " + uid + " keeps being renamed", true, e);
                }
            } catch (IOException e) {
                throw new StoreException("cannot read message " + uid + ": " + e.getMessage(), true, e);
            }
        }
    }
}
