package org.postrider.api.store;

import java.time.Instant;
import java.util.Set;

/**
 * What the index knows of one message, without opening its file.
 *
 * @param uid      stable for the life of the folder's UIDVALIDITY
 * @param size     octets of the RFC 5322 text; {@link #SIZE_NOT_COUNTED} only from a call that
 *                 asked for no sizes ({@link MailStore#messages(FolderRef, UidSet, boolean)})
 * @param keywords IMAP keywords (user flags)
 * @param modSeq   RFC 7162 modification sequence of the last change
 * @param internalDate when the store took the message
 */
public record MessageMeta(long uid, long size, Set<Flag> flags, Set<String> keywords, long modSeq,
        Instant internalDate) {
    /** The size of a message whose size the store has not counted yet, where the caller asked for none. (2.3) */
    public static final long SIZE_NOT_COUNTED = -1;

    public MessageMeta {
        flags = Set.copyOf(flags);
        keywords = Set.copyOf(keywords);
    }
}
