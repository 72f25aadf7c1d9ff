package org.postrider.imap.parse;

import java.util.Set;
import org.postrider.api.store.SearchKey;

/**
 * A parsed SEARCH: its criteria, the CHARSET named (null when none), and the ESEARCH
 * result options (RFC 4731, RFC 5182 SAVE, RFC 9051): null when the command had no RETURN
 * (a plain untagged SEARCH answer), the empty set meaning ALL for "RETURN ()".
 */
public record SearchRequest(SearchKey key, String charset, Set<ReturnOption> returnOptions) {
    public SearchRequest {
        returnOptions = returnOptions == null ? null : Set.copyOf(returnOptions);
    }

    public enum ReturnOption { MIN, MAX, ALL, COUNT, SAVE }

    /** Whether the answer is an ESEARCH response. */
    public boolean extended() {
        return returnOptions != null;
    }
}
