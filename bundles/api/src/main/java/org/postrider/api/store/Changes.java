package org.postrider.api.store;

import java.util.List;

/**
 * What changed in a folder after a MODSEQ (RFC 7162 CHANGEDSINCE, QRESYNC).
 *
 * @param changed  messages added or changed after it, in UID order, as they are now
 * @param vanished UIDs expunged after it. Exact while the store still remembers those
 *                 expunges; for an older MODSEQ it is every UID below UIDNEXT not in the
 *                 folder (a superset, as RFC 7162 3.2.5.1 allows), and {@code exact} is false
 */
public record Changes(long uidValidity, long highestModSeq, List<MessageMeta> changed, UidSet vanished,
        boolean exact) {
    public Changes {
        changed = List.copyOf(changed);
    }
}
