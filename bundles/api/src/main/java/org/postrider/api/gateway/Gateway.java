package org.postrider.api.gateway;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.postrider.api.queue.DeliveryAgent;

/**
 * A gateway to a foreign mail system, built only against this API. It is a delivery agent
 * for the address spaces it claims; the router picks, among all gateways whose spaces match
 * a recipient, the one with the lowest cost. Inbound mail from the foreign system is handed
 * over through {@link org.postrider.api.queue.MailQueue#begin}.
 */
@ConsumerType
public interface Gateway extends DeliveryAgent {
    /** A short, stable id ("x400", "fax"); deliveries reach it with transport "gateway:" + id. */
    String id();

    List<AddressSpace> addressSpaces();
}
