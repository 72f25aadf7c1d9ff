package org.postrider.api.store;

import java.time.Instant;
import java.util.Set;

/**
 * What the index knows of one message, without opening its file.
 *
 * @param uid      stable for the life of the folder's UIDVALIDITY
 * @param size     octets of the RFC 5322 text
 * @param keywords IMAP keywords (user flags)
 * @param modSeq   RFC 7162 modification sequence of the last change
 * @param internalDate when the store took the message
 */
public record MessageMeta(long uid, long size, Set<Flag> flags, Set<String> keywords, long modSeq,
        Instant internalDate) {
    public MessageMeta {
        flags = Set.copyOf(flags);
        keywords = Set.copyOf(keywords);
    }
}
