package org.postrider.api.gateway;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.postrider.api.queue.DeliveryAgent;

/**
 * A gateway to a foreign mail system, built only against this API. Register the component
 * as a {@code Gateway} service (nothing else: no {@link DeliveryAgent#TRANSPORT} property is
 * needed); the queue binds it as the delivery agent of transport {@code "gateway:" + id()}.
 * <p>
 * Routing: for each recipient the router collects the address spaces of all gateways that
 * match it (an SMTP address for recipients outside the organisation's domains, or the type
 * and address of a Directory custom recipient, {@code Resolution.Foreign}) and picks the
 * lowest cost; when that gateway is absent, or has answered "retry" within the last few
 * minutes, the next cheapest is used. {@link org.postrider.api.queue.Delivery#destination()}
 * is the gateway's id for an SMTP address space, or {@code TYPE:address} for a custom recipient.
 * <p>
 * Results, per recipient ({@link org.postrider.api.queue.RecipientResult}): DELIVERED (in a
 * mailbox of the foreign system), RELAYED (the foreign system took over; it will not report
 * delivery), RETRY with a reason, FAILED with a status. A failure the foreign system reports
 * later, after it accepted the message, goes to {@link NonDeliveryReports}. Inbound mail
 * from the foreign system enters through {@link org.postrider.api.queue.MailQueue#begin},
 * with the same promise as SMTP: once {@code commit()} returns, it is never lost.
 * <p>
 * A gateway gets the message as MIME only: the envelope's typed property set
 * ({@link org.postrider.api.message.Envelope#properties()}) holds the Bcc rows and stays
 * inside the organisation, so it is always null here.
 */
@ConsumerType
public interface Gateway extends DeliveryAgent {
    /** A short, stable id ("x400", "fax"): lower case letters, digits and '-'. */
    String id();

    /** The address spaces it serves now; may change with its configuration. */
    List<AddressSpace> addressSpaces();
}
