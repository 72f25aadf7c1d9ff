package org.postrider.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.QuotaExceededException;
import org.postrider.api.store.StoreException;

/**
 * Local delivery into the Information Store (transport "local"). Prepends Return-Path and
 * Delivered-To (dropping any Return-Path the message brought), refuses a message that already carries Delivered-To for the same
 * recipient (a forwarding loop), and delivers idempotently per queue id and user, so a
 * redelivery after a crash, or a user reached twice through lists, gets one copy. While
 * no store is bound (an update in progress) it answers "retry".
 */
@Component(property = DeliveryAgent.TRANSPORT + "=local")
public class LocalDelivery implements DeliveryAgent {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MailStore store;

    @Override
    public List<RecipientResult> deliver(Delivery d) throws IOException {
        MailStore s = store;
        List<RecipientResult> results = new ArrayList<>();
        String header = TraceFields.header(d.content());
        for (Recipient r : d.envelope().recipients()) {
            if (s == null) {
                results.add(RecipientResult.retry(r, "4.3.0", "mail store unavailable"));
                continue;
            }
            if (TraceFields.deliveredTo(header, r.address())) {
                results.add(RecipientResult.failed(r, "5.4.6", "mail forwarding loop for " + r.address()));
                continue;
            }
            String user = d.destination();
            try {
                long uid = s.deliver(user, "INBOX", withTrace(d, r, header), d.queueId() + "/" + user);
                results.add(RecipientResult.delivered(r, "delivered to " + user + " INBOX uid " + uid));
            } catch (QuotaExceededException e) {
                results.add(e.temporary() ? RecipientResult.retry(r, "4.2.2", e.getMessage())
                        : RecipientResult.failed(r, "5.2.2", e.getMessage()));
            } catch (StoreException e) {
                results.add(e.temporary() ? RecipientResult.retry(r, "4.3.0", e.getMessage())
                        : RecipientResult.failed(r, "5.3.0", e.getMessage()));
            }
        }
        return results;
    }

    /** Return-Path and Delivered-To in front; a Return-Path the message brought is dropped. */
    private static MessageContent withTrace(Delivery d, Recipient r, String header) {
        byte[] trace = ("Return-Path: <" + (d.envelope().sender() == null ? "" : d.envelope().sender()) + ">\r\n"
                + "Delivered-To: " + r.address() + "\r\n").getBytes(StandardCharsets.UTF_8);
        return TraceFields.withTrace(trace, d.content(), header, true);
    }
}
