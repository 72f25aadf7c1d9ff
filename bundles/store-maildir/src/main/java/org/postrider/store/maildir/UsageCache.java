package org.postrider.store.maildir;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.postrider.api.store.StoreException;

/**
 * Each user's bytes and messages over all folders, summed once (when first asked) and then
 * kept up to date by the folders' changes, so a delivery's quota check reads two numbers
 * instead of every folder. At most {@code max} users are kept, least recently used dropped.
 * A change that comes while a sum is being taken makes the sum be taken again (a few times
 * at most; if changes keep coming the last sum answers the caller but is not kept), so the
 * kept usage neither loses a change nor counts one twice.
 */
final class UsageCache implements UsageListener {
    private static final int TRIES = 3;

    /** Sums a user's folders. */
    @FunctionalInterface
    interface Summer {
        long[] sum(String user) throws StoreException;
    }

    private static final class Entry {
        long bytes;
        long messages;
        long changes;
        boolean ready;
    }

    private final int max;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    UsageCache(int max) {
        this.max = max;
    }

    private static String key(String user) {
        return user.toLowerCase(Locale.ROOT);
    }

    /** Bytes and messages of a user. */
    long[] get(String user, Summer summer) throws StoreException {
        for (int attempt = 1; ; attempt++) {
            Entry e;
            long before;
            synchronized (this) {
                e = entries.computeIfAbsent(key(user), k -> new Entry());
                trim();
                if (e.ready) {
                    return new long[] {e.bytes, e.messages};
                }
                before = e.changes;
            }
            long[] sum = summer.sum(user);
            synchronized (this) {
                if (e.ready) {
                    return new long[] {e.bytes, e.messages};
                }
                if (e.changes == before) {
                    e.bytes = sum[0];
                    e.messages = sum[1];
                    e.ready = true;
                    return sum;
                }
                if (attempt == TRIES) {
                    return sum; // about right for this check, but not kept: it may miss a change or count one twice
                }
            }
        }
    }

    @Override
    public synchronized void changed(String user, long bytes, long messages) {
        Entry e = entries.get(key(user));
        if (e != null) {
            e.changes++;
            if (e.ready) {
                e.bytes += bytes;
                e.messages += messages;
            }
        }
    }

    @Override
    public void stale(String user) {
        forget(user);
    }

    /**
     * Forgets a kept usage only: a sum being taken (the usage not kept yet) reads the folder
     * after its first indexing, which that sum itself may have caused, and is kept (a
     * delivery's quota check then reads no folder's index again).
     */
    @Override
    public synchronized void firstIndexed(String user) {
        Entry e = entries.get(key(user));
        if (e != null && e.ready) {
            entries.remove(key(user));
        }
    }

    /** Forgets a user's usage (a folder was deleted): summed again when next asked. */
    synchronized void forget(String user) {
        entries.remove(key(user));
    }

    synchronized int size() {
        return entries.size();
    }

    private void trim() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > max && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
