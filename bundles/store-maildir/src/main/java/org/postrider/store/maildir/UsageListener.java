package org.postrider.store.maildir;

/** Told how a folder's bytes and message count changed, so a user's usage is kept without a scan. */
@FunctionalInterface
interface UsageListener {
    UsageListener NONE = (user, bytes, messages) -> { };

    void changed(String user, long bytes, long messages);

    /** A folder of the user lost track of its usage (a change failed part way): sum it again when asked. */
    default void stale(String user) {
    }
}
