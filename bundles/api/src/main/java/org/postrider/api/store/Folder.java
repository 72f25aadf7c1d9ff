package org.postrider.api.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.message.MessageContent;

/** One open folder of a mailbox, as IMAP and POP3 see it. Thread-safe. */
@ProviderType
public interface Folder {
    String name();

    long uidValidity();

    long uidNext();

    long highestModSeq();

    /** All messages in UID order, from the index; no message file is read. */
    List<MessageMeta> messages() throws StoreException;

    /** The content of one message; null if it has been expunged. */
    MessageContent content(long uid) throws StoreException;

    /** Appends a message (IMAP APPEND) and returns its UID. */
    long append(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant internalDate)
            throws StoreException;

    /** Changes flags and keywords of the given UIDs; returns the new metadata of those that exist. */
    List<MessageMeta> changeFlags(Collection<Long> uids, FlagChange change, Set<Flag> flags, Set<String> keywords)
            throws StoreException;

    /** Removes the given UIDs for good (IMAP EXPUNGE, POP3 UPDATE state). */
    void expunge(Collection<Long> uids) throws StoreException;
}
