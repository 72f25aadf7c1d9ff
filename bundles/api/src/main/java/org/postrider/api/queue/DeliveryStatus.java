package org.postrider.api.queue;

/** What became of one recipient in one delivery attempt. */
public enum DeliveryStatus {
    /**
     * Done: delivered into a mailbox, or handed on to a next hop that took over the
     * sender's DSN request (RFC 3461: it will report delivery itself). The queue forgets the
     * recipient; after local delivery it sends a "delivered" notice if NOTIFY=SUCCESS asked.
     */
    DELIVERED,
    /**
     * Done, handed on to a system that will not report delivery (a next hop without DSN, a
     * foreign mail system). The queue forgets the recipient and sends a "relayed" notice if
     * NOTIFY=SUCCESS asked.
     */
    RELAYED,
    /** Temporary failure (4xx-like); the queue retries on its schedule. */
    RETRY,
    /** Permanent failure (5xx-like); the queue sends a failure DSN unless the sender is null. */
    FAILED
}
