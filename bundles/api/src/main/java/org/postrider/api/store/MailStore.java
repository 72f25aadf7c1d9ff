package org.postrider.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.message.MessageContent;

/**
 * The Information Store. Callers hold names ({@link FolderRef}), never store objects: every
 * call goes to whichever store is bound at that moment, and a store being replaced refuses
 * calls with a temporary {@link StoreException} rather than write beside its successor.
 * Folder names are IMAP names with "/" as the hierarchy separator and "INBOX" (any case) as
 * the inbox. A user's mailbox, with INBOX and the special-use folders, exists from the first
 * call that names it. Every method is thread-safe; calls that change a folder are durable
 * when they return.
 */
@ProviderType
public interface MailStore {
    // ---- folders

    /**
     * The user's usage of all folders and the limits the store enforces at delivery and APPEND;
     * with no limit, the usage may be given as 0 (not summed).
     */
    Quota quota(String user) throws StoreException;

    /** A user's folders, INBOX first, then by name. */
    List<FolderInfo> folders(String user) throws StoreException;

    /** Names subscribed to (RFC 3501 LSUB), whether the folders exist or not. */
    List<String> subscriptions(String user) throws StoreException;

    void subscribe(String user, String folder, boolean subscribed) throws StoreException;

    /** Creates a folder (and its missing parents); {@code use} may be null. */
    void createFolder(String user, String folder, SpecialUse use) throws StoreException;

    void deleteFolder(String user, String folder) throws StoreException;

    /** Renames a folder with the folders under it, keeping their UIDVALIDITY and UIDs. */
    void renameFolder(String user, String from, String to) throws StoreException;

    /**
     * The name a folder of the user has now, found by its UIDVALIDITY (no two folders of a user
     * share one, and a RENAME keeps it); null when no folder has it. For taking back what a
     * command added to a folder that may have been renamed meanwhile. This default asks every
     * folder; a store that knows its folders by UIDVALIDITY answers at once. (2.2)
     */
    default String folderOf(String user, long uidValidity) throws StoreException {
        for (FolderInfo f : folders(user)) {
            if (summary(user, f.name()).uidValidity() == uidValidity) {
                return f.name();
            }
        }
        return null;
    }

    /** The folder's counters, without a message list (IMAP STATUS, SELECT). */
    FolderSummary summary(String user, String folder) throws StoreException;

    /**
     * As {@link #summary(String, String)}; without {@code bytes}, {@link FolderSummary#bytes}
     * is -1 where counting the octets would cost more than the other counters: a store may
     * index a message another program wrote from its file's name and count its size only when
     * a caller asks for it (IMAP SELECT and a STATUS without SIZE do not). This default counts
     * them. (2.3)
     */
    default FolderSummary summary(String user, String folder, boolean bytes) throws StoreException {
        return summary(user, folder);
    }

    // ---- reading

    /** All UIDs of the folder, as ranges. */
    UidSet uids(FolderRef folder) throws StoreException;

    /**
     * Index data of the given UIDs that exist, in UID order, each with its exact size. No
     * message file is read but to count a size the store has not counted yet (once; see
     * {@link #messages(FolderRef, UidSet, boolean)}).
     */
    List<MessageMeta> messages(FolderRef folder, UidSet uids) throws StoreException;

    /**
     * As {@link #messages(FolderRef, UidSet)}; without {@code sizes}, for a caller that uses
     * no size (FLAGS, MODSEQ, UID), a size not counted yet is {@link MessageMeta#SIZE_NOT_COUNTED}
     * instead of counted now, and no message file is read. This default counts them. (2.3)
     */
    default List<MessageMeta> messages(FolderRef folder, UidSet uids, boolean sizes) throws StoreException {
        return messages(folder, uids);
    }

    /** What was added, changed and expunged after {@code modSeq} (RFC 7162). */
    Changes changesSince(FolderRef folder, long modSeq) throws StoreException;

    /**
     * As {@link #changesSince(FolderRef, long)}; without {@code sizes}, the changed messages'
     * sizes not counted yet are {@link MessageMeta#SIZE_NOT_COUNTED}, as in
     * {@link #messages(FolderRef, UidSet, boolean)}. This default counts them. (2.3)
     */
    default Changes changesSince(FolderRef folder, long modSeq, boolean sizes) throws StoreException {
        return changesSince(folder, modSeq);
    }

    /**
     * Gives the folder's \Recent messages to one session (IMAP SELECT): the UIDs no
     * session has claimed before; the next caller gets none of them.
     */
    UidSet claimRecent(FolderRef folder) throws StoreException;

    /** The message's text; null if it has been expunged. The file is opened on each {@code open}. */
    MessageContent content(FolderRef folder, long uid) throws StoreException;

    /** The message's MIME structure, parsed on first use and cached; null if it has been expunged. */
    MessageStructure structure(FolderRef folder, long uid) throws StoreException;

    /** The UIDs among {@code within} (all, when null) that match, ascending. */
    UidSet search(FolderRef folder, SearchKey key, UidSet within) throws StoreException;

    // ---- changing

    /**
     * Delivers into a user's folder (created if missing). Idempotent per {@code deliveryId}:
     * delivering the same id again (a redelivery after a crash) returns the first UID and
     * adds nothing.
     *
     * @return the UID of the message
     * @throws QuotaExceededException when the user's quota does not allow it
     */
    long deliver(String user, String folder, MessageContent content, String deliveryId) throws StoreException;

    /** Adds a message (IMAP APPEND) with the given flags and internal date. */
    Appended append(FolderRef folder, MessageContent content, Set<Flag> flags, Set<String> keywords,
            Instant internalDate) throws StoreException;

    /**
     * Changes flags and keywords of the given UIDs that exist. With {@code unchangedSince}
     * at 0 or above, a message whose MODSEQ is above it is left alone and reported failed
     * (RFC 7162 UNCHANGEDSINCE); -1 changes unconditionally.
     */
    FlagResult changeFlags(FolderRef folder, UidSet uids, FlagChange change, Set<Flag> flags,
            Set<String> keywords, long unchangedSince) throws StoreException;

    /** Copies messages to another folder of the same user, flags and dates with them (RFC 4315 COPYUID). */
    UidMap copy(FolderRef from, UidSet uids, String to) throws StoreException;

    /**
     * Moves messages to another folder of the same user (RFC 6851): each is in exactly one
     * of the two folders at every moment, also across a crash.
     */
    UidMap move(FolderRef from, UidSet uids, String to) throws StoreException;

    /** Removes the given UIDs for good (IMAP EXPUNGE, POP3 UPDATE); returns those removed. */
    UidSet expunge(FolderRef folder, UidSet uids) throws StoreException;
}
