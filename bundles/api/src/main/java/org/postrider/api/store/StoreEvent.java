package org.postrider.api.store;

/**
 * A hint that a folder changed, sent to {@link StoreListener}s (IMAP IDLE, unsolicited
 * responses). Only a hint: a listener asks {@link MailStore#changesSince} what changed, so
 * one that missed events (a store being replaced) loses nothing.
 *
 * @param modSeq  the folder's HIGHESTMODSEQ after a CHANGED; 0 for folder events
 * @param newName the new name after a RENAMED, else null
 */
public record StoreEvent(String user, String folder, Kind kind, long modSeq, String newName) {
    public enum Kind {
        /** Messages were added, changed or expunged. */
        CHANGED,
        CREATED,
        DELETED,
        RENAMED
    }
}
