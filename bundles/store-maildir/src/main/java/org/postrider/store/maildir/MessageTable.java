package org.postrider.store.maildir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postrider.api.store.Flag;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidSet;

/**
 * A folder's messages in memory, column by column in UID order: about 50 bytes a message
 * (no object per message, no file name: names are read from the index log when a file is
 * needed, see {@link IndexLog#fileAt}). Keyword sets are interned per folder, and the sets
 * no message has any more are dropped once they outnumber the messages. Not thread-safe: the
 * folder's lock guards it.
 */
final class MessageTable {
    /** Flag bits: the {@link Flag} ordinals. */
    static final int SEEN = 1 << Flag.SEEN.ordinal();
    /**
     * The size of a message not counted yet: a file another program wrote, indexed from its
     * name alone, its size counted on first demand ({@link MaildirFolder#countSizes}).
     */
    static final long UNCOUNTED = -1;

    private int n;
    private int[] uid = new int[16]; // unsigned: UIDs are below 2^32
    private long[] modSeq = new long[16];
    private long[] size = new long[16];
    private long[] date = new long[16]; // epoch milliseconds
    private byte[] flags = new byte[16];
    private int[] keywords = new int[16];
    private long[] deliveryKey = new long[16]; // 0: none
    private long[] logPos = new long[16]; // where the record naming its file starts
    private long[] cachePos = new long[16]; // its structure in the cache file, or -1
    private final List<Set<String>> keywordSets = new ArrayList<>(List.of(Set.of()));
    private final Map<Set<String>, Integer> keywordIds = new HashMap<>(Map.of(Set.of(), 0));
    /** Octets of the messages whose size is counted. */
    private long bytes;
    private int unseen;
    /** Messages whose size is {@link #UNCOUNTED}. */
    private int uncounted;
    /** Rows with no size counted that were ever added or removed (a size counted is neither). */
    private long uncountedPutOrRemoved;
    /** Characters of the interned keyword sets, for the footprint. */
    private long keywordChars;

    int size() {
        return n;
    }

    /** Octets of the messages whose size is counted: of all, when {@link #uncounted} is 0. */
    long bytes() {
        return bytes;
    }

    int uncounted() {
        return uncounted;
    }

    /**
     * Rows with no size counted added or removed so far: compared before and after a change, it
     * tells of either, which {@link #uncounted} does not when one comes as another is counted.
     */
    long uncountedPutOrRemoved() {
        return uncountedPutOrRemoved;
    }

    int unseen() {
        return unseen;
    }

    /** The row of a UID, or a negative number if it is not here. */
    int row(long u) {
        if (u <= 0 || u > 0xFFFFFFFFL) {
            return -1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = uid(mid);
            if (v < u) {
                lo = mid + 1;
            } else if (v > u) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The first row with a UID at or above {@code u}. */
    int rowAtOrAbove(long u) {
        int r = row(Math.max(1, Math.min(u, 0xFFFFFFFFL)));
        return r >= 0 ? r : -r - 1;
    }

    long uid(int r) {
        return Integer.toUnsignedLong(uid[r]);
    }

    long modSeq(int r) {
        return modSeq[r];
    }

    /** The size as served, or {@link #UNCOUNTED}. */
    long messageSize(int r) {
        return size[r];
    }

    /** Records the counted size of a message that had none (a recount of a counted one changes nothing). */
    void setSize(int r, long sz) {
        if (size[r] < 0 && sz >= 0) {
            size[r] = sz;
            bytes += sz;
            uncounted--;
        }
    }

    long dateMillis(int r) {
        return date[r];
    }

    int flagBits(int r) {
        return flags[r];
    }

    Set<Flag> flags(int r) {
        return flagsOf(flags[r]);
    }

    static Set<Flag> flagsOf(int bits) {
        return FlagSets.of(bits);
    }

    static int bits(Set<Flag> f) {
        return FlagSets.bits(f);
    }

    Set<String> keywords(int r) {
        return keywordSets.get(keywords[r]);
    }

    long deliveryKey(int r) {
        return deliveryKey[r];
    }

    long logPos(int r) {
        return logPos[r];
    }

    long cachePos(int r) {
        return cachePos[r];
    }

    void setCachePos(int r, long pos) {
        cachePos[r] = pos;
    }

    MessageMeta meta(int r) {
        return new MessageMeta(uid(r), size[r], flags(r), keywords(r), modSeq[r], Instant.ofEpochMilli(date[r]));
    }

    /** Adds or replaces the message with this UID. */
    void put(long u, long ms, long sz, long dateMs, int flagBits, Set<String> kw, long key, long pos) {
        if (u <= 0 || u >= IndexLog.MAX_UID) {
            throw new IllegalArgumentException("UID out of range: " + u);
        }
        int r = row(u);
        if (r < 0) {
            r = -r - 1;
            grow();
            int tail = n - r;
            System.arraycopy(uid, r, uid, r + 1, tail);
            System.arraycopy(modSeq, r, modSeq, r + 1, tail);
            System.arraycopy(size, r, size, r + 1, tail);
            System.arraycopy(date, r, date, r + 1, tail);
            System.arraycopy(flags, r, flags, r + 1, tail);
            System.arraycopy(keywords, r, keywords, r + 1, tail);
            System.arraycopy(deliveryKey, r, deliveryKey, r + 1, tail);
            System.arraycopy(logPos, r, logPos, r + 1, tail);
            System.arraycopy(cachePos, r, cachePos, r + 1, tail);
            n++;
            cachePos[r] = -1;
        } else {
            forget(r);
        }
        uid[r] = (int) u;
        modSeq[r] = ms;
        size[r] = sz < 0 ? UNCOUNTED : sz;
        date[r] = dateMs;
        flags[r] = (byte) flagBits;
        keywords[r] = keywordId(kw);
        deliveryKey[r] = key;
        logPos[r] = pos;
        count(r, 1);
    }

    /** Adds ({@code sign} 1) or takes away (-1) the row's share of the counters. */
    private void count(int r, int sign) {
        if (size[r] < 0) {
            uncounted += sign;
            uncountedPutOrRemoved++;
        } else {
            bytes += sign * size[r];
        }
        unseen += (flags[r] & SEEN) == 0 ? sign : 0;
    }

    private void forget(int r) {
        count(r, -1);
    }

    /** Changes flags and keywords of a row. */
    void change(int r, long ms, int flagBits, Set<String> kw, long pos) {
        unseen += ((flags[r] & SEEN) == 0 ? -1 : 0) + ((flagBits & SEEN) == 0 ? 1 : 0);
        modSeq[r] = ms;
        flags[r] = (byte) flagBits;
        keywords[r] = keywordId(kw);
        logPos[r] = pos;
    }

    void setDeliveryKey(int r, long key) {
        deliveryKey[r] = key;
    }

    void setLogPos(int r, long pos) {
        logPos[r] = pos;
    }

    private int keywordId(Set<String> kw) {
        if (kw.isEmpty()) {
            return 0;
        }
        Integer id = keywordIds.get(kw);
        if (id == null) {
            if (keywordSets.size() > 2 * n + 64) {
                dropUnusedKeywordSets();
            }
            Set<String> copy = Set.copyOf(kw);
            keywordChars += chars(copy);
            id = keywordSets.size();
            keywordSets.add(copy);
            keywordIds.put(copy, id);
        }
        return id;
    }

    /** Interns again only the sets some row has, renumbering the rows' references. */
    private void dropUnusedKeywordSets() {
        int[] renumbered = new int[keywordSets.size()];
        java.util.Arrays.fill(renumbered, -1);
        renumbered[0] = 0;
        List<Set<String>> sets = new ArrayList<>(List.of(Set.of()));
        long chars = 0;
        for (int r = 0; r < n; r++) {
            int old = keywords[r] < renumbered.length ? keywords[r] : 0; // a row being added has none yet
            if (renumbered[old] < 0) {
                renumbered[old] = sets.size();
                sets.add(keywordSets.get(old));
                chars += chars(keywordSets.get(old));
            }
            keywords[r] = renumbered[old];
        }
        keywordSets.clear();
        keywordSets.addAll(sets);
        keywordIds.clear();
        for (int i = 0; i < sets.size(); i++) {
            keywordIds.put(sets.get(i), i);
        }
        keywordChars = chars;
    }

    private static long chars(Set<String> kw) {
        long c = 0;
        for (String k : kw) {
            c += k.length();
        }
        return c;
    }

    /** Removes the rows whose UIDs are in the set; returns how many. */
    int remove(UidSet gone) {
        int w = 0;
        int removed = 0;
        for (int r = 0; r < n; r++) {
            if (gone.contains(uid(r))) {
                forget(r);
                removed++;
                continue;
            }
            if (w != r) {
                uid[w] = uid[r];
                modSeq[w] = modSeq[r];
                size[w] = size[r];
                date[w] = date[r];
                flags[w] = flags[r];
                keywords[w] = keywords[r];
                deliveryKey[w] = deliveryKey[r];
                logPos[w] = logPos[r];
                cachePos[w] = cachePos[r];
            }
            w++;
        }
        n = w;
        return removed;
    }

    /** The UIDs of all rows. */
    UidSet uids() {
        UidSet.Builder b = new UidSet.Builder();
        for (int r = 0; r < n; r++) {
            b.add(uid(r));
        }
        return b.build();
    }

    /** The row of the message with this delivery key, or -1; newest first, where a redelivery finds it. */
    int rowOfDeliveryKey(long key) {
        for (int r = n - 1; r >= 0; r--) {
            if (deliveryKey[r] == key) {
                return r;
            }
        }
        return -1;
    }

    /** For tests: keyword sets interned. */
    int keywordSetCount() {
        return keywordSets.size();
    }

    /** Bytes the columns take (for the README's figure and the memory test). */
    long footprint() {
        return (long) uid.length * (4 + 8 + 8 + 8 + 1 + 4 + 8 + 8 + 8) + 2 * keywordChars
                + 96L * keywordSets.size(); // a set, its strings and its map entry
    }

    private void grow() {
        if (n < uid.length) {
            return;
        }
        int c = uid.length + (uid.length >> 1) + 16;
        uid = Arrays.copyOf(uid, c);
        modSeq = Arrays.copyOf(modSeq, c);
        size = Arrays.copyOf(size, c);
        date = Arrays.copyOf(date, c);
        flags = Arrays.copyOf(flags, c);
        keywords = Arrays.copyOf(keywords, c);
        deliveryKey = Arrays.copyOf(deliveryKey, c);
        logPos = Arrays.copyOf(logPos, c);
        cachePos = Arrays.copyOf(cachePos, c);
    }

    /** Parses a Postrider delivery key (16 hex digits) to its 64 bits; 0 when there is none. */
    static long key(String hex) {
        if (hex == null || hex.length() != 16) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
