package org.postrider.api.store;

/**
 * A folder's counters, kept by the store as messages come, change and go: no message list
 * is loaded to answer them (IMAP SELECT, STATUS).
 *
 * @param recent         messages not yet claimed by a session ({@link MailStore#claimRecent})
 * @param firstUnseenUid the lowest UID without \Seen, or 0 when all are seen
 * @param bytes          octets of all messages; -1 from a call that asked for none
 *                       ({@link MailStore#summary(String, String, boolean)}) when some size is not counted yet
 */
public record FolderSummary(String folder, long uidValidity, long uidNext, long highestModSeq, long messages,
        long unseen, long recent, long firstUnseenUid, long bytes) {
}
