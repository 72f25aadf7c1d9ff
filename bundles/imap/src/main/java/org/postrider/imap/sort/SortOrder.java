package org.postrider.imap.sort;

import java.util.Comparator;
import java.util.List;
import org.postrider.imap.parse.SortRequest;

/** The order of RFC 5256 SORT: the criteria in turn, each maybe reversed, then the message number. */
public final class SortOrder {
    private SortOrder() {
    }

    public static Comparator<SortableMessage> of(List<SortRequest.Criterion> criteria) {
        Comparator<SortableMessage> c = null;
        for (SortRequest.Criterion k : criteria) {
            Comparator<SortableMessage> one = key(k.key());
            if (k.reverse()) {
                one = one.reversed();
            }
            c = c == null ? one : c.thenComparing(one);
        }
        // exact ties go by sequence number, never reversed (RFC 5256 2)
        Comparator<SortableMessage> byNumber = Comparator.comparingInt(SortableMessage::number);
        return c == null ? byNumber : c.thenComparing(byNumber);
    }

    private static Comparator<SortableMessage> key(SortRequest.Key k) {
        return switch (k) {
            case ARRIVAL -> Comparator.comparingLong(SortableMessage::arrival);
            case DATE -> Comparator.comparingLong(SortableMessage::sent);
            case SIZE -> Comparator.comparingLong(SortableMessage::size);
            case SUBJECT -> (a, b) -> Collation.compare(a.subject(), b.subject());
            case FROM -> (a, b) -> Collation.compare(a.from(), b.from());
            case TO -> (a, b) -> Collation.compare(a.to(), b.to());
            case CC -> (a, b) -> Collation.compare(a.cc(), b.cc());
            case DISPLAYFROM -> (a, b) -> Collation.compare(a.displayFrom(), b.displayFrom());
            case DISPLAYTO -> (a, b) -> Collation.compare(a.displayTo(), b.displayTo());
        };
    }
}
