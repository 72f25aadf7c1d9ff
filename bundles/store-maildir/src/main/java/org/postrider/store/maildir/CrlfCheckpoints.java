package org.postrider.store.maildir;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a converted file's CRLF view ({@link CrlfView}) stood at every {@code stride} octets
 * of the file: the view's offset there and whether the octet before was a CR. A range of the
 * view is found by converting from the last checkpoint at or before it, not from the start.
 * A table knows the file up to its last checkpoint (conversions record what they pass) and
 * holds at most {@link #MAX_PER_FILE} checkpoints (16 bytes each); the tables are kept in a
 * {@link Cache} bounded by the checkpoints it holds in all.
 *
 * @param stride   file octets between checkpoints
 * @param fileSize the length of the file the table is of (a table of another length is not used)
 * @param raw      file offsets, {@code stride, 2 * stride, ...}
 * @param view     view offset at each, shifted left once, the low bit set when a CR came before
 * @param count    checkpoints in use
 */
record CrlfCheckpoints(long stride, long fileSize, long[] raw, long[] view, int count) {
    static final long STRIDE = 1 << 20;
    static final int MAX_PER_FILE = 4096;

    static CrlfCheckpoints none(long stride, long fileSize) {
        return new CrlfCheckpoints(stride, fileSize, new long[0], new long[0], 0);
    }

    /** The index of the last checkpoint at or before view offset {@code viewOffset}, or -1 for the start. */
    int before(long viewOffset) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if ((view[mid] >>> 1) <= viewOffset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    long rawAt(int i) {
        return i < 0 ? 0 : raw[i];
    }

    long viewAt(int i) {
        return i < 0 ? 0 : view[i] >>> 1;
    }

    boolean afterCrAt(int i) {
        return i >= 0 && (view[i] & 1) != 0;
    }

    /** Collects the checkpoints one conversion passes, beyond those of the table it started from. */
    static final class Recorder {
        private final CrlfCheckpoints from;
        private long[] raw;
        private long[] view;
        private int count;

        Recorder(CrlfCheckpoints from) {
            this.from = from;
            this.raw = Arrays.copyOf(from.raw, Math.max(4, from.count));
            this.view = Arrays.copyOf(from.view, raw.length);
            this.count = from.count;
        }

        /** The file offset of the next checkpoint to record, or -1 when the table is full. */
        long next() {
            return count >= MAX_PER_FILE ? -1 : (count + 1) * from.stride;
        }

        /** The view stands at {@code viewOffset} just before file offset {@link #next()}. */
        void record(long viewOffset, boolean afterCr) {
            if (count == raw.length) {
                raw = Arrays.copyOf(raw, Math.min(MAX_PER_FILE, raw.length * 2));
                view = Arrays.copyOf(view, raw.length);
            }
            raw[count] = (count + 1) * from.stride;
            view[count] = viewOffset << 1 | (afterCr ? 1 : 0);
            count++;
        }

        /** The table with what was recorded; the one it started from if nothing was. */
        CrlfCheckpoints table() {
            return count == from.count ? from
                    : new CrlfCheckpoints(from.stride, from.fileSize, Arrays.copyOf(raw, count),
                            Arrays.copyOf(view, count), count);
        }
    }

    /** Tables by message, least recently used dropped first, at most {@code max} checkpoints in all. */
    static final class Cache {
        private final long max;
        private final LinkedHashMap<Object, CrlfCheckpoints> tables = new LinkedHashMap<>(16, 0.75f, true);
        private long held;

        Cache(long max) {
            this.max = max;
        }

        /** The table of {@code key} for a file of {@code fileSize} octets; an empty one if none is known. */
        synchronized CrlfCheckpoints get(Object key, long fileSize) {
            CrlfCheckpoints t = tables.get(key);
            return t != null && t.fileSize == fileSize ? t : none(STRIDE, fileSize);
        }

        /** Keeps a table, unless one that knows more of the file is kept already. */
        synchronized void put(Object key, CrlfCheckpoints t) {
            if (t.count == 0 || t.count > max) {
                return;
            }
            CrlfCheckpoints old = tables.get(key);
            if (old != null && old.fileSize == t.fileSize && old.count >= t.count) {
                return;
            }
            if (old != null) {
                held -= old.count;
            }
            tables.put(key, t);
            held += t.count;
            Iterator<Map.Entry<Object, CrlfCheckpoints>> it = tables.entrySet().iterator();
            while (held > max && it.hasNext()) {
                Map.Entry<Object, CrlfCheckpoints> e = it.next();
                if (e.getKey().equals(key)) {
                    continue;
                }
                held -= e.getValue().count;
                it.remove();
            }
        }

        /** Checkpoints held in all. */
        synchronized long held() {
            return held;
        }
    }
}
