package org.postrider.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * Delivered-To, refuses a message that already carries Delivered-To for the same
 * recipient (a forwarding loop), and delivers idempotently per queue id and user, so a
 * redelivery after a crash, or a user reached twice through lists, gets one copy. While
 * no store is bound (an update in progress) it answers "retry".
 */
@Component(property = DeliveryAgent.TRANSPORT + "=local")
public class LocalDelivery implements DeliveryAgent {
    private static final int MAX_HEADER_SCAN = 256 * 1024;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MailStore store;

    @Override
    public List<RecipientResult> deliver(Delivery d) throws IOException {
        MailStore s = store;
        List<RecipientResult> results = new ArrayList<>();
        String header = headerSection(d.content());
        for (Recipient r : d.envelope().recipients()) {
            if (s == null) {
                results.add(RecipientResult.retry(r, "4.3.0", "mail store unavailable"));
                continue;
            }
            String deliveredTo = "delivered-to: " + r.address().toString().toLowerCase(Locale.ROOT);
            if (header.toLowerCase(Locale.ROOT).contains("\n" + deliveredTo + "\r\n")
                    || header.toLowerCase(Locale.ROOT).startsWith(deliveredTo + "\r\n")) {
                results.add(RecipientResult.failed(r, "5.4.6", "mail forwarding loop for " + r.address()));
                continue;
            }
            String user = d.destination();
            try {
                long uid = s.deliver(user, "INBOX", withTrace(d, r), d.queueId() + "/" + user);
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

    private static MessageContent withTrace(Delivery d, Recipient r) {
        byte[] trace = ("Return-Path: <" + (d.envelope().sender() == null ? "" : d.envelope().sender()) + ">\r\n"
                + "Delivered-To: " + r.address() + "\r\n").getBytes(StandardCharsets.UTF_8);
        MessageContent c = d.content();
        return new MessageContent() {
            @Override
            public long size() {
                return trace.length + c.size();
            }

            @Override
            public InputStream open() throws IOException {
                return new SequenceInputStream(new ByteArrayInputStream(trace), c.open());
            }
        };
    }

    /** The header section (bounded), to look for our own Delivered-To. */
    private static String headerSection(MessageContent c) throws IOException {
        try (InputStream in = c.open()) {
            byte[] buf = in.readNBytes(MAX_HEADER_SCAN);
            String s = new String(buf, StandardCharsets.ISO_8859_1);
            int end = s.indexOf("\r\n\r\n");
            return end >= 0 ? s.substring(0, end + 2) : s;
        }
    }
}
