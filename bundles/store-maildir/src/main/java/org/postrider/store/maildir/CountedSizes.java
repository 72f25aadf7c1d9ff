package org.postrider.store.maildir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Sizes a folder counted outside its lock ({@link MaildirFolder#countSizes}) but could not
 * record because the folder was evicted meanwhile: kept by folder directory until the folder
 * opened again records them, so the call that is restarted on it does not read the files
 * again. A batch is for one UIDVALIDITY (UIDs name messages only with it); a message's file
 * never changes, so a size by UID stays right while the message is there. At most
 * {@link #MAX} batches are kept (about 16 KiB each), the oldest dropped: a dropped batch is
 * only counted again.
 */
final class CountedSizes {
    static final int MAX = 64;

    /** {@code sizes[i]} of {@code uids[i]}, for the first {@code n}; -1: not counted. */
    record Batch(long uidValidity, long[] uids, long[] sizes, int n) {
    }

    private final LinkedHashMap<Path, Batch> batches = new LinkedHashMap<>();

    /** Keeps a folder's batch (one per folder: a later one replaces it). */
    synchronized void put(Path dir, Batch batch) {
        batches.remove(dir);
        batches.put(dir, batch);
        Iterator<Path> it = batches.keySet().iterator();
        while (batches.size() > MAX && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** A folder's batch, taken out; null if none. */
    synchronized Batch take(Path dir) {
        return batches.isEmpty() ? null : batches.remove(dir);
    }
}
