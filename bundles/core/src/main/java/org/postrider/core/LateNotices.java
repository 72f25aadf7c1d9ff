package org.postrider.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.postrider.api.gateway.LateNonDelivery;
import org.postrider.api.gateway.NonDeliveryReports;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Submission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure a foreign system reports after it took a message, turned into an RFC 3464
 * failure notice to the sender and queued durably like any other mail. The gateway keeps
 * the failure until this returns, so a crash in between sends the notice at most twice,
 * never zero times.
 */
@Component(service = NonDeliveryReports.class)
public class LateNotices implements NonDeliveryReports {
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");
    private static final MessageContent NOTHING = new MessageContent() {
        @Override
        public long size() {
            return 0;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(new byte[0]);
        }
    };

    /**
     * The queue is looked up at each report, not bound: a gateway references this service and
     * the queue binds gateways, so a reference here closes a circle that SCR leaves unbound.
     */
    private final BundleContext context;

    @Activate
    public LateNotices(BundleContext context) {
        this.context = context;
    }

    @Override
    public QueueId report(LateNonDelivery f) throws QueueException {
        ServiceReference<CoreQueue> ref = context.getServiceReference(CoreQueue.class);
        CoreQueue queue = ref == null ? null : context.getService(ref);
        if (queue == null) {
            throw new QueueException("4.3.0 the queue is not available, report again later");
        }
        try {
            return report(queue, f);
        } finally {
            context.ungetService(ref);
        }
    }

    /**
     * The original to return, or nothing: a gateway may hand over the Delivery's content,
     * which the queue removes once the message left, so a late report must not depend on it.
     */
    private static MessageContent returnable(MessageContent original) {
        if (original == null) {
            return NOTHING;
        }
        try (InputStream in = original.open()) {
            return original;
        } catch (IOException | RuntimeException e) {
            return NOTHING;
        }
    }

    private QueueId report(CoreQueue queue, LateNonDelivery f) throws QueueException {
        if (f.sender() == null || !f.recipient().wantsFailureNotice()) {
            MAILLOG.info("dropped late failure notice for <{}>: {}", f.recipient().address(),
                    f.sender() == null ? "the sender is <>" : "NOTIFY does not ask for it");
            return null;
        }
        Envelope original = new Envelope(f.sender(), List.of(f.recipient()), BodyType.EIGHT_BIT_MIME, false, -1,
                f.dsnReturn(), f.envelopeId(), Origin.local("gateway"));
        Envelope notice = new Envelope(null, List.of(Recipient.of(f.sender())), BodyType.EIGHT_BIT_MIME,
                f.sender().needsSmtpUtf8() || f.recipient().address().needsSmtpUtf8(), -1, null, null,
                Origin.local("local"));
        try (Submission sub = queue.begin(notice)) {
            DsnBuilder.write(sub.content(), DsnBuilder.Kind.FAILED, f.queueId() != null ? f.queueId() : QueueIds.next(),
                    original,
                    f.arrival() != null ? f.arrival() : Instant.now(),
                    List.of(new DsnBuilder.Line(f.recipient(), "failed", f.enhancedCode(), f.diagnostic(),
                            f.foreignSystem())),
                    returnable(f.original()), queue.serverName(), queue.mailerDaemon(), null);
            QueueId queued = sub.commit();
            MAILLOG.info("sent late failure notice id={} for <{}> to=<{}> status={} reason={}", queued,
                    f.recipient().address(), f.sender(), f.enhancedCode(), DsnBuilder.clean(f.diagnostic()));
            queue.trackLateReport(f.queueId() != null ? f.queueId() : queued, f.recipient().address().toString(),
                    "late failure " + f.enhancedCode() + " reported by " + f.foreignSystem() + ", notice queued as "
                            + queued);
            return queued;
        } catch (IOException e) {
            throw new QueueException("4.3.0 cannot write the failure notice: " + e.getMessage(), e);
        }
    }
}
