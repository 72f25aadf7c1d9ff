package org.postrider.api.store;

import java.time.LocalDate;
import java.util.List;

/**
 * An IMAP SEARCH criterion (RFC 3501 6.4.4, RFC 9051 6.4.4). Flag, size, date and header
 * keys are answered from the index and the structure cache; body and text keys stream the
 * message. Dates are days in the server's zone as RFC 3501 says; message numbers and
 * \Recent are session state, so the caller turns them into {@link Uids} first.
 */
public sealed interface SearchKey {
    record All() implements SearchKey {}

    record Uids(UidSet uids) implements SearchKey {}

    /** Has (or, with {@code set} false, lacks) a system flag. */
    record HasFlag(Flag flag, boolean set) implements SearchKey {}

    record HasKeyword(String keyword, boolean set) implements SearchKey {}

    record Larger(long octets) implements SearchKey {}

    record Smaller(long octets) implements SearchKey {}

    /** The internal date's day is before, on or since {@code day}. */
    record Received(DateOp op, LocalDate day) implements SearchKey {}

    /** The Date header's day is before, on or since {@code day}. */
    record Sent(DateOp op, LocalDate day) implements SearchKey {}

    /** A header field named {@code field} contains {@code text} (any such field, when {@code text} is ""). */
    record Header(String field, String text) implements SearchKey {}

    /** The body (decoded text parts) contains {@code text}. */
    record Body(String text) implements SearchKey {}

    /** The header or the body contains {@code text}. */
    record Text(String text) implements SearchKey {}

    /** MODSEQ at or above (RFC 7162). */
    record ModSeq(long modSeq) implements SearchKey {}

    record Not(SearchKey key) implements SearchKey {}

    record Or(SearchKey a, SearchKey b) implements SearchKey {}

    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
        }
    }

    enum DateOp { BEFORE, ON, SINCE }
}
