package org.postrider.store.maildir;

import java.util.Arrays;
import org.postrider.api.store.UidSet;

/**
 * The expunges a folder remembers, (UID, MODSEQ) in MODSEQ order, so that changes since a
 * MODSEQ name exactly the UIDs that vanished (RFC 7162 QRESYNC). At most {@code max} are
 * kept; the oldest are forgotten and {@link #floor} rises to their MODSEQ: asked about an
 * older MODSEQ, the folder answers with a superset.
 */
final class Tombstones {
    private final int max;
    private long[] uid = new long[16];
    private long[] modSeq = new long[16];
    private int start;
    private int n;
    private long floor;

    Tombstones(int max) {
        this.max = max;
    }

    /** Expunges at or below this MODSEQ may have been forgotten. */
    long floor() {
        return floor;
    }

    void raiseFloor(long f) {
        floor = Math.max(floor, f);
        while (n > 0 && modSeq[start] <= floor) {
            start++;
            n--;
        }
    }

    void add(long u, long ms) {
        if (n == max) {
            floor = Math.max(floor, modSeq[start]);
            start++;
            n--;
        }
        if (start + n == uid.length) {
            if (start > 0) {
                System.arraycopy(uid, start, uid, 0, n);
                System.arraycopy(modSeq, start, modSeq, 0, n);
                start = 0;
            }
            if (n == uid.length) {
                int c = Math.min(max, uid.length * 2);
                uid = Arrays.copyOf(uid, c);
                modSeq = Arrays.copyOf(modSeq, c);
            }
        }
        uid[start + n] = u;
        modSeq[start + n] = ms;
        n++;
    }

    int size() {
        return n;
    }

    long footprint() {
        return uid.length * 16L;
    }

    long uid(int i) {
        return uid[start + i];
    }

    long modSeq(int i) {
        return modSeq[start + i];
    }

    /** The UIDs expunged after {@code since}, when {@code since >= floor()}. */
    UidSet since(long since) {
        long[] u = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (modSeq[start + i] > since) {
                u[k++] = uid[start + i];
            }
        }
        return UidSet.of(Arrays.copyOf(u, k));
    }
}
