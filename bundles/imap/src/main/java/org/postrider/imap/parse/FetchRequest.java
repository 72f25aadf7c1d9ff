package org.postrider.imap.parse;

import java.util.List;

/**
 * A parsed FETCH: the messages, the items (macros expanded, in the order asked) and the
 * RFC 7162 modifiers: {@code changedSince} -1 when absent; {@code vanished} only with it,
 * in UID FETCH.
 */
public record FetchRequest(SequenceSet set, List<FetchItem> items, long changedSince, boolean vanished) {
    public FetchRequest {
        items = List.copyOf(items);
    }
}
