package org.postrider.api.store;

/**
 * A user's usage of the mail store and its limits (IMAP QUOTA, RFC 9208: STORAGE and MESSAGE
 * resources); a limit of 0 means none.
 */
public record Quota(long bytes, long bytesLimit, long messages, long messagesLimit) {
    /** Whether any limit is set. */
    public boolean limited() {
        return bytesLimit > 0 || messagesLimit > 0;
    }
}
