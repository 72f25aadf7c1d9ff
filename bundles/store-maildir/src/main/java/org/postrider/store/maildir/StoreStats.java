package org.postrider.store.maildir;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the work the store does on disk, shown by {@code store:stats} and read by tests. */
final class StoreStats {
    /** Listings of a folder's new/ and cur/ (a scan), the work an up-to-date index spares. */
    final LongAdder scans = new LongAdder();
    /** Index logs read (a folder opened, or opened again after eviction). */
    final LongAdder loads = new LongAdder();
    /** Folders dropped from memory to stay within maxOpenFolders. */
    final LongAdder evictions = new LongAdder();
    /** Calls that took a folder's lock (for tests: what a command costs in turns at the lock). */
    final LongAdder calls = new LongAdder();
    /** Message files looked up one at a time in the index under a folder's lock (for tests). */
    final LongAdder lookups = new LongAdder();
    /** Message files read to count their size (files of other programs, once each, on first demand). */
    final LongAdder sizesRead = new LongAdder();
    /** Octets of the files read to count their sizes. */
    final LongAdder sizeBytesRead = new LongAdder();
    /** Message sizes a ",W=" name gave, confirmed by a stat of the file instead of a read. */
    final LongAdder sizesNamed = new LongAdder();
}
