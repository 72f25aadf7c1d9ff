package org.postrider.imap.parse;

import java.util.Arrays;
import org.postrider.api.store.UidSet;

/**
 * An IMAP sequence set as the client wrote it (RFC 9051 9: {@code 1:3,5,7:*}, or {@code $}
 * for the saved SEARCHRES result, RFC 5182), unresolved: {@code *} means the largest number
 * in use, which only the session knows. Numbers are 1..4294967295; at most a given number
 * of ranges, so neither parsing nor resolving costs more than that bound.
 */
public final class SequenceSet {
    /** Where the client wrote {@code *}. */
    static final long STAR = -1;
    public static final long MAX_NUMBER = 0xFFFF_FFFFL;
    /** The default bound on ranges in one set. */
    public static final int DEFAULT_MAX_RANGES = 10_000;

    private static final SequenceSet SAVED = new SequenceSet(new long[0], true);

    /** from0, to0, from1, to1 ... as written; STAR for "*". */
    private final long[] ranges;
    private final boolean saved;

    private SequenceSet(long[] ranges, boolean saved) {
        this.ranges = ranges;
        this.saved = saved;
    }

    /** Parses a sequence set of at most {@code maxRanges} ranges. */
    public static SequenceSet parse(String s, int maxRanges) throws ImapSyntaxException {
        if (s.equals("$")) {
            return SAVED;
        }
        if (s.isEmpty()) {
            throw new ImapSyntaxException("empty sequence set");
        }
        long[] r = new long[2 * Math.max(1, Math.min(maxRanges, 8))];
        int n = 0;
        int i = 0;
        while (true) {
            if (n / 2 >= maxRanges) {
                throw new ImapSyntaxException("too many ranges in sequence set");
            }
            int[] pos = {i};
            long from = number(s, pos);
            long to = from;
            i = pos[0];
            if (i < s.length() && s.charAt(i) == ':') {
                pos[0] = i + 1;
                to = number(s, pos);
                i = pos[0];
            }
            if (n + 2 > r.length) {
                r = Arrays.copyOf(r, (int) Math.min(r.length * 2L, 2L * maxRanges));
            }
            r[n++] = from;
            r[n++] = to;
            if (i == s.length()) {
                break;
            }
            if (s.charAt(i) != ',') {
                throw new ImapSyntaxException("invalid sequence set");
            }
            i++;
        }
        return new SequenceSet(Arrays.copyOf(r, n), false);
    }

    /** Whether {@code s} looks like a sequence set (for keys that start with one, as in SEARCH). */
    public static boolean looksLike(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.equals("$")) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == ':' || c == ',' || c == '*')) {
                return false;
            }
        }
        return true;
    }

    private static long number(String s, int[] pos) throws ImapSyntaxException {
        int i = pos[0];
        if (i < s.length() && s.charAt(i) == '*') {
            pos[0] = i + 1;
            return STAR;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (i - start >= 10) {
                throw new ImapSyntaxException("number too large in sequence set");
            }
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == start || s.charAt(start) == '0' || v > MAX_NUMBER) {
            throw new ImapSyntaxException("invalid number in sequence set");
        }
        pos[0] = i;
        return v;
    }

    /** {@code $}: the session's saved search result (RFC 5182). */
    public boolean saved() {
        return saved;
    }

    /** How many ranges the client wrote. */
    public int rangeCount() {
        return ranges.length / 2;
    }

    /** Whether the client wrote "*" anywhere. */
    public boolean hasStar() {
        for (long v : ranges) {
            if (v == STAR) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the set is written in ascending order, as RFC 7162 3.2.5.2 wants the two sets of
     * QRESYNC's seq-match-data: no {@code *} or {@code $}, each range low to high and above
     * the one before, so the n-th number of one set pairs with the n-th of the other.
     */
    public boolean ascending() {
        if (saved) {
            return false;
        }
        long last = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] == STAR || ranges[i + 1] == STAR || ranges[i] > ranges[i + 1] || ranges[i] <= last) {
                return false;
            }
            last = ranges[i + 1];
        }
        return true;
    }

    /**
     * The numbers, with {@code *} as {@code max} (the largest UID or message number in
     * use; "n:*" with n above it is "max:n", as RFC 9051 6.4.8 says), and 0 never included
     * (when the mailbox is empty {@code *} is 0 and stands for nothing). {@code savedResult}
     * answers {@code $}; cost: a sort of the ranges.
     */
    public UidSet resolve(long max, UidSet savedResult) {
        if (saved) {
            return savedResult == null ? UidSet.empty() : savedResult;
        }
        int n = ranges.length / 2;
        long[][] pairs = new long[n][];
        for (int k = 0; k < n; k++) {
            long a = ranges[2 * k] == STAR ? max : ranges[2 * k];
            long b = ranges[2 * k + 1] == STAR ? max : ranges[2 * k + 1];
            pairs[k] = new long[] {Math.max(1, Math.min(a, b)), Math.max(a, b)};
        }
        Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
        UidSet.Builder b = new UidSet.Builder();
        long last = 0;
        for (long[] p : pairs) {
            if (p[1] < 1) {
                continue;
            }
            long from = Math.max(p[0], last + 1);
            if (from <= p[1]) {
                b.addRange(from, p[1]);
                last = p[1];
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        if (saved) {
            return "$";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranges.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ranges[i] == STAR ? "*" : Long.toString(ranges[i]));
            if (ranges[i + 1] != ranges[i]) {
                sb.append(':').append(ranges[i + 1] == STAR ? "*" : Long.toString(ranges[i + 1]));
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceSet s && s.saved == saved && Arrays.equals(s.ranges, ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges) + (saved ? 1 : 0);
    }
}
