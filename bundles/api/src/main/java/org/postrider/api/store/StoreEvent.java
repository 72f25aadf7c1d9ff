package org.postrider.api.store;

/** A change in a folder, sent to the sessions that watch it (IMAP IDLE, unsolicited responses). */
public record StoreEvent(String user, String folder, Kind kind, long uid, long modSeq) {
    public enum Kind { ADDED, FLAGS_CHANGED, EXPUNGED }
}
