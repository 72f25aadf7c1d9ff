package org.postrider.api.store;

import java.util.List;

/**
 * The outcome of a flag change.
 *
 * @param messages the messages of the set that passed the UNCHANGEDSINCE test (all, without
 *                 one), with their flags and MODSEQ after the change, in UID order
 * @param failed   UIDs whose MODSEQ was above UNCHANGEDSINCE: left as they were (RFC 7162 MODIFIED)
 */
public record FlagResult(List<MessageMeta> messages, UidSet failed) {
    public FlagResult {
        messages = List.copyOf(messages);
    }
}
