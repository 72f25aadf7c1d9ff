package org.postrider.imap.parse;

import org.postrider.api.store.SearchKey;

/** A parsed THREAD (RFC 5256): the algorithm, the CHARSET and the search criteria. */
public record ThreadRequest(Algorithm algorithm, String charset, SearchKey key) {
    public enum Algorithm { ORDEREDSUBJECT, REFERENCES }
}
