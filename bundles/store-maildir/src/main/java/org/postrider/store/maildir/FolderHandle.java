package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.Folder;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;

/**
 * The {@link Folder} a session holds: a name, not the folder's index. Each call finds the
 * open folder in the store's cache (loading it again if it was evicted), so a session that
 * is idle for hours holds no memory and never writes through a folder the cache let go.
 */
final class FolderHandle implements Folder {
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

    <T> T call(Call<T> call) throws StoreException, IOException {
        for (int i = 0; ; i++) {
            try {
                return call.on(store.cached(user, name, dir));
            } catch (MaildirFolder.Evicted e) {
                if (i == MAX_TRIES) {
                    throw new StoreException("folder " + name + " keeps being evicted; raise maxOpenFolders", true);
                }
            }
        }
    }

    private <T> T run(Call<T> call) throws StoreException {
        try {
            return call(call);
        } catch (IOException e) {
            throw new StoreException(e.getMessage(), true, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    @Override
    public long uidValidity() {
        try {
            return run(MaildirFolder::uidValidity);
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long uidNext() {
        try {
            return run(MaildirFolder::uidNext);
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long highestModSeq() {
        try {
            return run(MaildirFolder::highestModSeq);
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public List<MessageMeta> messages() throws StoreException {
        return run(MaildirFolder::messages);
    }

    long[] usage() throws StoreException {
        return run(MaildirFolder::usage);
    }

    void refresh() throws StoreException {
        run(f -> {
            f.refresh();
            return null;
        });
    }

    void reindex() throws StoreException {
        run(f -> {
            f.reindex();
            return null;
        });
    }

    @Override
    public MessageContent content(long uid) throws StoreException {
        long size = run(f -> f.size(uid));
        if (size < 0) {
            return null;
        }
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                try {
                    return Files.newInputStream(call(f -> f.path(uid)));
                } catch (StoreException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public long append(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant internalDate)
            throws StoreException {
        return run(f -> f.append(content, flags, keywords, internalDate));
    }

    @Override
    public List<MessageMeta> changeFlags(Collection<Long> uids, FlagChange change, Set<Flag> flags,
            Set<String> keywords) throws StoreException {
        return run(f -> f.changeFlags(uids, change, flags, keywords));
    }

    @Override
    public void expunge(Collection<Long> uids) throws StoreException {
        run(f -> {
            f.expunge(uids);
            return null;
        });
    }
}
