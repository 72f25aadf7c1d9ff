package org.postrider.store.maildir;

import java.util.HashMap;
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
        /**
         * Threads taking a sum of this entry now, each with the first indexings it caused
         * itself; null when none, as for nearly every entry (a table kept would double an
         * entry's memory, with up to {@code max} of them).
         */
        Map<Thread, Long> summing;

        void startSumming(Thread t) {
            if (summing == null) {
                summing = new HashMap<>(4);
            }
            summing.put(t, 0L);
        }

        /** The first indexings {@code t} caused while it summed. */
        long stopSumming(Thread t) {
            long own = summing.remove(t);
            if (summing.isEmpty()) {
                summing = null;
            }
            return own;
        }
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
            Thread me = Thread.currentThread();
            synchronized (this) {
                e = entries.computeIfAbsent(key(user), k -> new Entry());
                trim();
                if (e.ready) {
                    return new long[] {e.bytes, e.messages};
                }
                before = e.changes;
                e.startSumming(me);
            }
            boolean stopped = false;
            try {
                long[] sum = summer.sum(user);
                synchronized (this) {
                    long own = e.stopSumming(me);
                    stopped = true;
                    if (e.ready) {
                        return new long[] {e.bytes, e.messages};
                    }
                    if (e.changes - before == own) { // no change but the first indexings this sum read after
                        e.bytes = sum[0];
                        e.messages = sum[1];
                        e.ready = true;
                        return sum;
                    }
                    if (attempt == TRIES) {
                        return sum; // about right for this check, but not kept: it may miss a change or count one twice
                    }
                }
            } finally {
                if (!stopped) { // the sum failed
                    synchronized (this) {
                        e.stopSumming(me);
                    }
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
     * Forgets a kept usage. To a sum being taken it is a change, so that sum is not kept (it
     * may have listed the user's folders before this one was made), unless that sum caused the
     * first indexing itself: it reads the folder after it, and is kept (a delivery's quota
     * check then reads no folder's index again). Called by the thread that indexes.
     */
    @Override
    public synchronized void firstIndexed(String user) {
        Entry e = entries.get(key(user));
        if (e == null) {
            return;
        }
        if (e.ready) {
            entries.remove(key(user));
            return;
        }
        e.changes++;
        if (e.summing != null) {
            e.summing.computeIfPresent(Thread.currentThread(), (t, own) -> own + 1);
        }
    }

    /** Forgets a user's usage (a folder was deleted): summed again when next asked. */
    synchronized void forget(String user) {
        entries.remove(key(user));
    }

    synchronized int size() {
        return entries.size();
    }

    /** Entries holding a table of summing threads (tests: none once no sum is being taken). */
    synchronized int summingTables() {
        return (int) entries.values().stream().filter(e -> e.summing != null).count();
    }

    private void trim() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > max && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
