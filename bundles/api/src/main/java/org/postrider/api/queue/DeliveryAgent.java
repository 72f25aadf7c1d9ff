package org.postrider.api.queue;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes routed copies of messages out of the queue: local delivery to the store, the
 * internal transport, SMTP out, a gateway. Registered as an OSGi service with the
 * property {@value #TRANSPORT} naming what it serves; the queue binds agents dynamically,
 * so an agent can be updated while mail is waiting for it.
 */
@ConsumerType
public interface DeliveryAgent {
    /** Service property: the transport name ("local", "internal", "smtp", "gateway:X400"...). */
    String TRANSPORT = "postrider.transport";

    /**
     * Attempts delivery and returns one result per recipient of the envelope. Policy and
     * remote failures are results, not exceptions; an exception means "retry all".
     */
    List<RecipientResult> deliver(Delivery delivery) throws Exception;
}
