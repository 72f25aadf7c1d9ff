package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.file.Path;
import org.postrider.api.store.StoreException;

/**
 * A folder by name for one call: finds the open folder in the store's cache at each call
 * (loading it again if it was evicted), so nothing a caller keeps holds memory or could
 * write through a folder the cache let go.
 */
final class FolderHandle {
    private static final int MAX_TRIES = 100;

    private final MaildirStore store;
    private final String user;
    private final String name;
    private final Path dir;

    FolderHandle(MaildirStore store, String user, String name, Path dir) {
        this.store = store;
        this.user = user;
        this.name = name;
        this.dir = dir;
    }

    @FunctionalInterface
    interface Call<T> {
        T on(MaildirFolder f) throws StoreException, IOException;
    }

    /** Runs a call on the open folder; an IOException becomes a temporary StoreException. */
    <T> T call(Call<T> call) throws StoreException {
        for (int i = 0; ; i++) {
            try {
                return call.on(store.cached(user, name, dir));
            } catch (MaildirFolder.Evicted e) {
                if (i == MAX_TRIES) {
                    throw new StoreException("folder " + name + " keeps being evicted; raise maxOpenFolders", true);
                }
            } catch (IOException e) {
                throw new StoreException(e.getMessage(), true, e);
            }
        }
    }

    String user() {
        return user;
    }

    String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    /** The open folder as it is now; for calls that lock two folders (copy, move), which retry themselves. */
    MaildirFolder folder() throws StoreException {
        return store.cached(user, name, dir, null);
    }

    /** As {@link #folder()}, leaving the folder {@code other} (taken just before) open. */
    MaildirFolder folderBeside(FolderHandle other) throws StoreException {
        return store.cached(user, name, dir, other.dir);
    }
}
