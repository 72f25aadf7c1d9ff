package org.postrider.api.store;

import java.util.Arrays;
import java.util.Collection;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * An immutable set of UIDs (or message numbers) as sorted, disjoint, non-adjacent ranges:
 * "1:40000" costs two longs, not 40,000 entries. The IMAP form is {@link #toString()}.
 */
public final class UidSet implements Iterable<Long> {
    private static final UidSet EMPTY = new UidSet(new long[0]);
    /** from0, to0, from1, to1, ... with to_i + 1 < from_(i+1). */
    private final long[] ranges;

    private UidSet(long[] ranges) {
        this.ranges = ranges;
    }

    public static UidSet empty() {
        return EMPTY;
    }

    /** The UIDs from {@code from} to {@code to}, both included (empty if to &lt; from). */
    public static UidSet range(long from, long to) {
        return to < from ? EMPTY : new UidSet(new long[] {from, to});
    }

    public static UidSet of(long... uids) {
        Builder b = new Builder();
        long[] sorted = uids.clone();
        Arrays.sort(sorted);
        for (long u : sorted) {
            b.add(u);
        }
        return b.build();
    }

    public static UidSet of(Collection<Long> uids) {
        return of(uids.stream().mapToLong(Long::longValue).toArray());
    }

    /** Builds a set from UIDs or ranges given in ascending order (any order costs a sort first). */
    public static final class Builder {
        private long[] r = new long[8];
        private int n;

        /** Adds a UID at or above every UID added so far. */
        public Builder add(long uid) {
            return addRange(uid, uid);
        }

        /** Adds {@code from..to}; {@code from} at or above every UID added so far, less one. */
        public Builder addRange(long from, long to) {
            if (to < from) {
                return this;
            }
            if (n > 0 && from <= r[n - 1] + 1) {
                if (from < r[n - 2]) {
                    throw new IllegalArgumentException("UIDs out of order: " + from + " after " + r[n - 1]);
                }
                r[n - 1] = Math.max(r[n - 1], to);
                return this;
            }
            if (n + 2 > r.length) {
                r = Arrays.copyOf(r, r.length * 2);
            }
            r[n++] = from;
            r[n++] = to;
            return this;
        }

        public UidSet build() {
            return n == 0 ? EMPTY : new UidSet(Arrays.copyOf(r, n));
        }
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /** How many UIDs. */
    public long size() {
        long s = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            s += ranges[i + 1] - ranges[i] + 1;
        }
        return s;
    }

    /** How many ranges (the cost of the set). */
    public int rangeCount() {
        return ranges.length / 2;
    }

    public long rangeFrom(int i) {
        return ranges[2 * i];
    }

    public long rangeTo(int i) {
        return ranges[2 * i + 1];
    }

    public boolean contains(long uid) {
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (uid < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (uid > ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** The smallest UID; the set must not be empty. */
    public long first() {
        if (ranges.length == 0) {
            throw new NoSuchElementException();
        }
        return ranges[0];
    }

    /** The largest UID; the set must not be empty. */
    public long last() {
        if (ranges.length == 0) {
            throw new NoSuchElementException();
        }
        return ranges[ranges.length - 1];
    }

    @Override
    public PrimitiveIterator.OfLong iterator() {
        return new PrimitiveIterator.OfLong() {
            private int i;
            private long next = ranges.length == 0 ? 0 : ranges[0];

            @Override
            public boolean hasNext() {
                return i < ranges.length;
            }

            @Override
            public long nextLong() {
                if (i >= ranges.length) {
                    throw new NoSuchElementException();
                }
                long v = next;
                if (next == ranges[i + 1]) {
                    i += 2;
                    next = i < ranges.length ? ranges[i] : 0;
                } else {
                    next++;
                }
                return v;
            }
        };
    }

    /** The IMAP sequence-set form, e.g. "1:3,7,9:12"; "" when empty. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranges.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ranges[i]);
            if (ranges[i + 1] != ranges[i]) {
                sb.append(':').append(ranges[i + 1]);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UidSet u && Arrays.equals(ranges, u.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }
}
