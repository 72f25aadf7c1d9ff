package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.postrider.api.store.StoreException;
import org.postrider.kit.durable.DurableFiles;

/**
 * The open folders, at most {@code max} of them, least recently used evicted first. A folder
 * is evicted only when no call is using it (it is closed under its own lock before it leaves
 * the map), so a folder opened again after eviction is never a second writer beside the
 * first: the old one refuses every call from then on ({@link MaildirFolder.Evicted}). While
 * every folder is busy the cache may hold more for a moment. No one waits for this monitor
 * while holding a folder's lock (folders call out only after unlocking), so waiting for a
 * folder's lock under it cannot deadlock.
 */
final class FolderCache {
    private final int max;
    private final long budget;
    private final StoreStats stats;
    private final LinkedHashMap<Path, MaildirFolder> open = new LinkedHashMap<>(16, 0.75f, true);
    /** Set by {@link #closeAll}: the store is gone, and a folder opened now would write beside its successor. */
    private boolean closed;

    /**
     * @param max    folders kept open at most
     * @param budget bytes their indexes may take together; the least recently used are closed
     *               to stay below it (the folders in use at the moment may exceed it)
     */
    FolderCache(int max, long budget, StoreStats stats) {
        this.max = Math.max(1, max);
        this.budget = Math.max(1, budget);
        this.stats = stats;
    }

    /** The folder of {@code dir}, made by {@code create} (cheap: it loads on first use) if not open. */
    synchronized MaildirFolder get(Path dir, Function<Path, MaildirFolder> create) throws StoreException {
        return get(dir, create, null);
    }

    /**
     * As {@link #get(Path, Function)}, not evicting {@code alsoKeep} (the other folder of a
     * copy or move, taken just before): else with room for one folder each would evict the
     * other, for ever.
     */
    synchronized MaildirFolder get(Path dir, Function<Path, MaildirFolder> create, Path alsoKeep)
            throws StoreException {
        checkOpen();
        MaildirFolder f = open.get(dir);
        if (f == null) {
            f = create.apply(dir);
            open.put(dir, f);
        }
        evict(dir, alsoKeep); // also when it was open: folders grow, and the budget counts bytes
        return f;
    }

    private void evict(Path keep, Path alsoKeep) {
        long bytes = 0;
        for (MaildirFolder f : open.values()) {
            bytes += f.footprint();
        }
        Iterator<Map.Entry<Path, MaildirFolder>> it = open.entrySet().iterator();
        while ((open.size() > max || bytes > budget) && it.hasNext()) {
            Map.Entry<Path, MaildirFolder> e = it.next();
            long size = e.getValue().footprint();
            if (!e.getKey().equals(keep) && !e.getKey().equals(alsoKeep) && e.getValue().tryClose()) {
                it.remove();
                bytes -= size;
                stats.evictions.increment();
            }
        }
    }

    /**
     * Closes and drops the folders at or under {@code dir} (deleted or renamed), waiting for
     * their calls: closed before they leave the map, so none is opened again beside them.
     */
    synchronized void forget(Path dir) {
        open.entrySet().removeIf(e -> {
            if (!e.getKey().startsWith(dir)) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    /**
     * Renames a folder's directory with every folder under it closed and no folder opened
     * meanwhile: a call that had begun loading the old one finishes first (close waits for
     * it), and a call after it finds the old name gone, instead of loading it again (and
     * recreating its directories) between the close and the rename.
     */
    synchronized void forgetAndMove(Path src, Path dst) throws IOException {
        forget(src);
        DurableFiles.move(src, dst);
    }

    /** Refuses (temporarily, for the caller) once the store is closed: its successor serves the call. */
    synchronized void checkOpen() throws StoreException {
        if (closed) {
            throw new StoreException("the store is restarting; try again", true);
        }
    }

    /** Bytes the open folders' indexes take, as of their last calls. */
    synchronized long footprint() {
        long sum = 0;
        for (MaildirFolder f : open.values()) {
            sum += f.footprint();
        }
        return sum;
    }

    long budget() {
        return budget;
    }

    synchronized boolean holdsLoaded(Path dir) {
        MaildirFolder f = open.get(dir);
        return f != null && f.loaded();
    }

    synchronized int size() {
        return open.size();
    }

    int max() {
        return max;
    }

    /** Closes the open folders for good: from now on {@link #get} refuses (temporarily, for the caller). */
    synchronized void closeAll() {
        closed = true;
        open.values().forEach(MaildirFolder::close);
        open.clear();
    }
}
