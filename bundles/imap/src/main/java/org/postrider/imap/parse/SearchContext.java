package org.postrider.imap.parse;

import org.postrider.api.store.SearchKey;

/**
 * What only the session knows while a SEARCH is parsed: which UIDs message numbers stand
 * for, what {@code *} and {@code $} are, and which messages are \Recent in this session.
 */
public interface SearchContext {
    /** The messages whose numbers are in {@code set}. */
    SearchKey messageNumbers(SequenceSet set);

    /** The messages whose UIDs are in {@code set}. */
    SearchKey uids(SequenceSet set);

    /** The messages that are (or, with false, are not) \Recent in this session. */
    SearchKey recent(boolean recent);
}
