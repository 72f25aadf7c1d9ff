package org.postrider.imap.parse;

import java.util.List;
import java.util.Set;
import org.postrider.api.store.SearchKey;

/**
 * A parsed SORT (RFC 5256 with RFC 5957 DISPLAYFROM/DISPLAYTO): its sort criteria in order,
 * the CHARSET, the search criteria, and the ESORT result options (RFC 5267): null when the
 * command had no RETURN (a plain untagged SORT answer), the empty set meaning ALL.
 */
public record SortRequest(List<Criterion> criteria, String charset, SearchKey key,
        Set<SearchRequest.ReturnOption> returnOptions) {
    public SortRequest {
        criteria = List.copyOf(criteria);
        returnOptions = returnOptions == null ? null : Set.copyOf(returnOptions);
    }

    public enum Key { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

    /** One sort key, REVERSE or not. */
    public record Criterion(Key key, boolean reverse) {
    }

    /** Whether the answer is an ESEARCH response. */
    public boolean extended() {
        return returnOptions != null;
    }
}
