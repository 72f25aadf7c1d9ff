package org.postrider.store.maildir;

/** Told how a folder's bytes and message count changed, so a user's usage is kept without a scan. */
@FunctionalInterface
interface UsageListener {
    UsageListener NONE = (user, bytes, messages) -> { };

    void changed(String user, long bytes, long messages);

    /** A folder of the user lost track of its usage (a change failed part way): sum it again when asked. */
    default void stale(String user) {
    }

    /**
     * A folder of the user holding messages was indexed for the first time (another program
     * made it, or a migration): a usage summed before it existed missed it, and so may a sum
     * being taken (it listed the folders before), unless that sum indexes it itself (it reads
     * the folder after): called by the thread that indexes, so a listener can tell the two.
     */
    default void firstIndexed(String user) {
    }
}
