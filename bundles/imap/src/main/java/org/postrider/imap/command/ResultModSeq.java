package org.postrider.imap.command;

import java.util.List;
import java.util.Set;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.SearchRequest.ReturnOption;
import org.postrider.imap.sort.SortableMessage;

/**
 * The mod-sequence a SEARCH or SORT with a MODSEQ key tells with a non-empty result: the
 * highest of the messages returned (RFC 7162 3.1.5, 3.1.6), "(MODSEQ n)" after the numbers of
 * a SEARCH or SORT response, " MODSEQ n" after the items of an ESEARCH one. In ESEARCH the
 * messages returned are those its items report (RFC 4731 3.2): the MIN or MAX message alone,
 * both of them for MIN MAX, else the whole result.
 */
final class ResultModSeq {
    private ResultModSeq() {
    }

    /**
     * The highest mod-sequence of {@code uids}, read from the index a piece at a time as FETCH
     * does (no message file is read, memory bounded whatever the set). A message expunged
     * since the search is not counted; when none is left, the highest the session knows.
     */
    static long highest(MailStore store, Selected sel, UidSet uids) throws StoreException {
        long highest = 0;
        for (UidSet piece : Fetch.pieces(uids, Fetch.PIECE)) {
            for (MessageMeta m : store.messages(sel.ref(), piece, false)) {
                highest = Math.max(highest, m.modSeq());
            }
        }
        return highest > 0 ? highest : sel.modSeq();
    }

    /** The highest mod-sequence of the sorted messages an ESORT (or, {@code o} empty, a SORT) answer reports. */
    static long highest(List<SortableMessage> sorted, Set<ReturnOption> o) {
        boolean min = o.contains(ReturnOption.MIN);
        boolean max = o.contains(ReturnOption.MAX);
        if ((min || max) && !o.contains(ReturnOption.ALL) && !o.contains(ReturnOption.COUNT)) {
            long first = min ? sorted.get(0).modSeq() : 0;
            long last = max ? sorted.get(sorted.size() - 1).modSeq() : 0;
            return Math.max(first, last);
        }
        long highest = 0;
        for (SortableMessage m : sorted) {
            highest = Math.max(highest, m.modSeq());
        }
        return highest;
    }

    /** The suffix of an untagged SEARCH or SORT response (search-sort-mod-seq). */
    static String plain(long modSeq) {
        return " (MODSEQ " + modSeq + ")";
    }

    /** The return data item of an ESEARCH response, after the others as RFC 4731 3.2 shows it. */
    static String extended(long modSeq) {
        return " MODSEQ " + modSeq;
    }
}
