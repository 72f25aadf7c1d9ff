package org.postrider.api.queue;

/** What became of one recipient in one delivery attempt. */
public enum DeliveryStatus {
    /**
     * Done; the queue forgets the recipient. Success notices (NOTIFY=SUCCESS) are not made
     * by the queue yet; SMTP passes the request on to a next hop that offers DSN.
     */
    DELIVERED,
    /** Temporary failure (4xx-like); the queue retries on its schedule. */
    RETRY,
    /** Permanent failure (5xx-like); the queue sends a failure DSN unless the sender is null. */
    FAILED
}
