package org.postrider.imap.parse;

import java.util.List;
import java.util.Locale;
import java.util.function.LongUnaryOperator;
import org.postrider.api.store.UidSet;

/**
 * The parameters of SELECT and EXAMINE (RFC 4466 select-params): CONDSTORE (RFC 7162 3.1.8)
 * and QRESYNC (RFC 7162 3.2.5), each at most once; anything else is refused. The sets of
 * QRESYNC are sequence sets of at most the given number of ranges, so neither parsing nor
 * using them costs more than that bound.
 *
 * @param qresync null when absent
 */
public record SelectParams(boolean condstore, Qresync qresync) {
    public static final SelectParams NONE = new SelectParams(false, null);

    /**
     * QRESYNC (uidvalidity modseq [known-uids] [seq-match-data]).
     *
     * @param knownUids     the UIDs the client knows; null when it named none (it knows them all)
     * @param matchSequence the message numbers of seq-match-data, ascending; null when absent
     * @param matchUids     the UIDs those numbers had, ascending, as many; null when absent
     */
    public record Qresync(long uidValidity, long modSeq, UidSet knownUids, UidSet matchSequence, UidSet matchUids) {
        /** Whether the client asked about this UID: in known-uids, or any when it named none. */
        public boolean known(long uid) {
            return knownUids == null || knownUids.contains(uid);
        }

        /**
         * The highest UID the seq-match-data shows untouched by expunges: when message number n
         * still has the UID the client paired with it, the n - 1 messages below it are the ones
         * the client knew (UIDs only grow), so nothing at or below that UID was expunged since.
         * 0 when no pair matches. Checks one pair at each range end of either set, no more.
         *
         * @param uidAt  the UID of a message number, 1 to {@code exists}
         */
        public long unchangedUpTo(LongUnaryOperator uidAt, long exists) {
            if (matchSequence == null) {
                return 0;
            }
            long best = 0;
            int i = 0;
            int j = 0;
            long seq = matchSequence.rangeFrom(0);
            long uid = matchUids.rangeFrom(0);
            while (i < matchSequence.rangeCount() && j < matchUids.rangeCount()) {
                long step = Math.min(matchSequence.rangeTo(i) - seq, matchUids.rangeTo(j) - uid);
                seq += step;
                uid += step;
                if (seq <= exists && uidAt.applyAsLong(seq) == uid) {
                    best = uid; // the pairs ascend: a later match is higher
                }
                if (seq == matchSequence.rangeTo(i)) {
                    seq = ++i < matchSequence.rangeCount() ? matchSequence.rangeFrom(i) : 0;
                } else {
                    seq++;
                }
                if (uid == matchUids.rangeTo(j)) {
                    uid = ++j < matchUids.rangeCount() ? matchUids.rangeFrom(j) : 0;
                } else {
                    uid++;
                }
            }
            return best;
        }
    }

    /** Parses the parenthesised list after the mailbox name. */
    public static SelectParams parse(ImapToken.ListOf params, int maxRanges) throws ImapSyntaxException {
        if (params.items().isEmpty()) {
            throw new ImapSyntaxException("empty SELECT parameter list");
        }
        ArgReader a = new ArgReader(params.items());
        boolean condstore = false;
        Qresync qresync = null;
        while (a.hasNext()) {
            String name = a.atom().toUpperCase(Locale.ROOT);
            if (name.equals("CONDSTORE") && !condstore) {
                condstore = true;
            } else if (name.equals("QRESYNC") && qresync == null) {
                qresync = qresync(a.list().items(), maxRanges);
            } else {
                throw new ImapSyntaxException("unknown or repeated SELECT parameter");
            }
        }
        return new SelectParams(condstore, qresync);
    }

    private static Qresync qresync(List<ImapToken> items, int maxRanges) throws ImapSyntaxException {
        ArgReader a = new ArgReader(items);
        String uv = a.atom();
        if (uv.startsWith("0")) {
            throw new ImapSyntaxException("QRESYNC needs a non-zero UIDVALIDITY");
        }
        long uidValidity = ArgReader.number(uv, 0xFFFF_FFFFL);
        long modSeq = a.number64();
        if (modSeq == 0) {
            throw new ImapSyntaxException("QRESYNC needs a non-zero MODSEQ");
        }
        UidSet known = null;
        if (a.peek() instanceof ImapToken.Atom) {
            SequenceSet s = a.sequenceSet(maxRanges);
            if (s.saved() || s.hasStar()) {
                throw new ImapSyntaxException("QRESYNC known-uids may not hold * or $");
            }
            known = s.resolve(0, UidSet.empty());
        }
        UidSet matchSequence = null;
        UidSet matchUids = null;
        if (a.peek() instanceof ImapToken.ListOf) {
            ArgReader m = new ArgReader(a.list().items());
            SequenceSet seqs = m.sequenceSet(maxRanges);
            SequenceSet uids = m.sequenceSet(maxRanges);
            m.end();
            if (!seqs.ascending() || !uids.ascending()) {
                throw new ImapSyntaxException("QRESYNC seq-match-data must be ascending, without * or $");
            }
            matchSequence = seqs.resolve(0, UidSet.empty());
            matchUids = uids.resolve(0, UidSet.empty());
            if (matchSequence.size() != matchUids.size()) {
                throw new ImapSyntaxException("QRESYNC seq-match-data pairs unequal sets");
            }
        }
        a.end();
        return new Qresync(uidValidity, modSeq, known, matchSequence, matchUids);
    }
}
