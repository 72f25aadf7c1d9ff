package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.postrider.api.store.StoreException;

/**
 * The open folders, at most {@code max} of them, least recently used evicted first. A folder
 * is evicted only when no call is using it (it is closed under its own lock before it leaves
 * the map), so a folder opened again after eviction is never a second writer beside the
 * first: the old one refuses every call from then on ({@link MaildirFolder.Evicted}). While
 * every folder is busy the cache may hold more for a moment. No folder's lock is ever waited
 * for under this monitor (a busy folder of one user must not hold up the others): a folder
 * deleted or renamed is marked as leaving, and closed, waiting for its calls, outside the
 * monitor; until it is gone a call that wants it waits for it ({@link #whileClosed}).
 */
final class FolderCache {
    private final int max;
    private final long budget;
    private final StoreStats stats;
    private final LinkedHashMap<Path, MaildirFolder> open = new LinkedHashMap<>(16, 0.75f, true);
    /** Folders (and what is under them) being closed for a deletion or a rename: none is opened meanwhile. */
    private final List<Path> leaving = new ArrayList<>();
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
        while (isLeaving(dir)) {
            try {
                MaildirFolder.step.at("cache-wait");
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted waiting for folder " + dir.getFileName(), true, e);
            } catch (IOException e) {
                throw new StoreException(e.getMessage(), true, e);
            }
            checkOpen();
        }
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

    private boolean isLeaving(Path dir) {
        for (Path l : leaving) {
            if (dir.startsWith(l)) {
                return true;
            }
        }
        return false;
    }

    /** A step taken with folders closed. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    /**
     * Closes the folders at or under {@code dir} (to be deleted or renamed), waiting for their
     * calls, then runs {@code action} (the rename), and only then lets calls open them again:
     * a call that had begun loading one finishes first (close waits for it), and a call after
     * it waits, then finds the directory as the action left it, instead of loading the old one
     * again (and making its directories again) between the close and the action. The waits
     * are outside this monitor: other folders are served meanwhile.
     */
    void whileClosed(Path dir, Action action) throws IOException, StoreException {
        List<MaildirFolder> closing = new ArrayList<>();
        synchronized (this) {
            checkOpen();
            leaving.add(dir);
            Iterator<Map.Entry<Path, MaildirFolder>> it = open.entrySet().iterator();
            while (it.hasNext()) { // out of the map at once: nothing opens them while they are leaving
                Map.Entry<Path, MaildirFolder> e = it.next();
                if (e.getKey().startsWith(dir)) {
                    closing.add(e.getValue());
                    it.remove();
                }
            }
        }
        try {
            for (MaildirFolder f : closing) {
                f.close();
            }
            action.run();
        } finally {
            synchronized (this) {
                leaving.remove(dir);
                notifyAll();
            }
        }
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

    boolean holdsLoaded(Path dir) {
        MaildirFolder f;
        synchronized (this) {
            f = open.get(dir);
        }
        return f != null && f.loaded(); // waits for the folder's call: not under the monitor
    }

    synchronized int size() {
        return open.size();
    }

    int max() {
        return max;
    }

    /**
     * Closes the open folders for good, waiting for their calls outside the monitor: from now
     * on {@link #get} refuses (temporarily, for the caller) at once.
     */
    void closeAll() {
        List<MaildirFolder> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
            notifyAll();
        }
        all.forEach(MaildirFolder::close);
    }
}
