package org.postrider.api.queue;

import java.io.OutputStream;

/**
 * A message being written into the queue. The listener streams the content into
 * {@link #content()} (CRLF line ends, already un-stuffed) and then calls {@link #commit()},
 * which returns only once content and envelope are durable on disk. Closing without a
 * commit discards everything written.
 */
public interface Submission extends AutoCloseable {
    OutputStream content();

    /** Makes the message durable and schedules it; after this returns it is never lost. */
    QueueId commit() throws QueueException;

    /** Discards an uncommitted submission; a no-op after commit. */
    @Override
    void close();
}
