package org.postrider.api.gateway;

import java.time.Instant;
import java.util.Objects;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.QueueId;

/**
 * A failure a foreign system reported after it had accepted a message: what a gateway
 * kept of the delivery (from its {@link org.postrider.api.queue.Delivery}) and what the
 * foreign system said.
 *
 * @param queueId        the Delivery's queue id (named in the report), or null
 * @param sender         the envelope sender; a null sender gets no report
 * @param envelopeId     ENVID, or null
 * @param dsnReturn      RET, or null
 * @param recipient      the recipient that failed, with its ORCPT
 * @param enhancedCode   RFC 3463 status, e.g. "5.1.1"
 * @param diagnostic     what the foreign system said, safe to quote
 * @param foreignSystem  the name of the system that reported it, for Remote-MTA
 * @param arrival        when the message first arrived (the Delivery's queue time), or null
 * @param original       the message or its header, returned to the sender as RET asks, or null
 */
public record LateNonDelivery(QueueId queueId, MailAddress sender, String envelopeId, DsnReturn dsnReturn, Recipient recipient,
        String enhancedCode, String diagnostic, String foreignSystem, Instant arrival, MessageContent original) {
    public LateNonDelivery {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(enhancedCode, "enhancedCode");
        if (!enhancedCode.matches("5\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("a non-delivery has a permanent status 5.x.y: " + enhancedCode);
        }
    }
}
