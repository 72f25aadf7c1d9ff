package org.postrider.api.gateway;

import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;

/**
 * Turns a failure that a foreign system reports late (after it accepted the message) into
 * a delivery status notification (RFC 3464) to the original sender, queued like any other.
 */
@ProviderType
public interface NonDeliveryReports {
    /**
     * Queues the report durably; returns its queue id, or null when none is sent (a null
     * sender: no bounce for a bounce). A gateway calls it once per failure and may forget
     * the failure once it returns.
     */
    QueueId report(LateNonDelivery failure) throws QueueException;
}
