package org.postrider.imap.command;

import java.io.IOException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;

/**
 * The UIDs a VANISHED (EARLIER) response names (RFC 7162 3.2.5.1, 3.2.6): those the store
 * says vanished since the client's MODSEQ, within what the client asked about, above what
 * its seq-match-data shows untouched, and never one this session still shows (an expunge
 * not yet told is told as a plain VANISHED, which moves the message numbers). When the store
 * no longer remembers that far back its set holds every absent UID below UIDNEXT, a superset
 * RFC 7162 allows: never a UID that exists. All by ranges: the work is bounded by the ranges
 * of the sets, not by the UIDs in them.
 */
final class Vanished {
    /** Ranges in one VANISHED line: a superset over a large folder is told in lines of bounded length. */
    static final int RANGES_PER_LINE = 1000;

    private Vanished() {
    }

    /** Tells {@code uids} as VANISHED (EARLIER) lines of at most {@link #RANGES_PER_LINE} ranges; nothing when empty. */
    static void tellEarlier(ImapSession s, UidSet uids) throws IOException {
        for (String line : lines("* VANISHED (EARLIER) ", uids, RANGES_PER_LINE)) {
            s.reply(line);
        }
    }

    /** {@code prefix} and the set, in lines of at most {@code max} ranges. */
    static java.util.List<String> lines(String prefix, UidSet uids, int max) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < uids.rangeCount(); i++) {
            if (i > 0 && i % max == 0) {
                lines.add(sb.toString());
                sb.setLength(prefix.length());
            } else if (i > 0) {
                sb.append(',');
            }
            sb.append(uids.rangeFrom(i));
            if (uids.rangeTo(i) != uids.rangeFrom(i)) {
                sb.append(':').append(uids.rangeTo(i));
            }
        }
        if (!uids.isEmpty()) {
            lines.add(sb.toString());
        }
        return lines;
    }

    /**
     * @param vanished      the store's expunged (or absent) UIDs since the client's MODSEQ
     * @param within        the UIDs the client asked about; null for all
     * @param unchangedUpTo UIDs at or below this are known untouched (0: none)
     */
    static UidSet earlier(Selected sel, UidSet vanished, UidSet within, long unchangedUpTo) {
        UidSet v = within == null ? vanished : intersect(vanished, within);
        if (unchangedUpTo > 0) {
            v = minus(v, UidSet.range(1, unchangedUpTo));
        }
        return minus(v, sel.all());
    }

    /** The UIDs in both sets. */
    static UidSet intersect(UidSet a, UidSet b) {
        UidSet.Builder out = new UidSet.Builder();
        int i = 0;
        int j = 0;
        while (i < a.rangeCount() && j < b.rangeCount()) {
            long from = Math.max(a.rangeFrom(i), b.rangeFrom(j));
            long to = Math.min(a.rangeTo(i), b.rangeTo(j));
            out.addRange(from, to);
            if (a.rangeTo(i) < b.rangeTo(j)) {
                i++;
            } else {
                j++;
            }
        }
        return out.build();
    }

    /** The UIDs of {@code a} not in {@code b}. */
    static UidSet minus(UidSet a, UidSet b) {
        UidSet.Builder out = new UidSet.Builder();
        int j = 0;
        for (int i = 0; i < a.rangeCount(); i++) {
            long from = a.rangeFrom(i);
            long to = a.rangeTo(i);
            while (j < b.rangeCount() && b.rangeTo(j) < from) {
                j++;
            }
            int k = j;
            while (from <= to && k < b.rangeCount() && b.rangeFrom(k) <= to) {
                out.addRange(from, b.rangeFrom(k) - 1);
                from = Math.max(from, b.rangeTo(k) + 1);
                k++;
            }
            out.addRange(from, to);
        }
        return out.build();
    }
}
