package org.postrider.api.store;

/** The IMAP system flags kept by the store (\Recent is session state, not stored). */
public enum Flag {
    SEEN, ANSWERED, FLAGGED, DELETED, DRAFT
}
