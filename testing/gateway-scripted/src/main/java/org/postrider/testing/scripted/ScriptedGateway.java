package org.postrider.testing.scripted;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.gateway.LateNonDelivery;
import org.postrider.api.gateway.NonDeliveryReports;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.RecipientResult;

/**
 * A gateway for tests, built against the public API only, as a third-party plugin is. It
 * claims the address space in its configuration and answers every delivery as told:
 * {@code deliver} (the message is written to the outbox folder), {@code retry} or
 * {@code fail}. Each attempt is logged to OUTBOX/attempts.log as "queue-id attempt millis".
 */
@Component(service = Gateway.class, configurationPid = "org.postrider.testing.scripted")
@Designate(ocd = ScriptedGateway.Config.class)
public class ScriptedGateway implements Gateway {
    @ObjectClassDefinition(name = "Scripted test gateway")
    public @interface Config {
        String pattern() default "*@scripted.test";

        int cost() default 1;

        /** deliver, retry, fail, or relay-then-fail (relayed, then a late failure reported to the queue) */
        String mode() default "deliver";

        String outbox() default "data/scripted";

        /** How long each delivery takes, to observe concurrency limits. */
        long delayMillis() default 0;
    }

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();

    private volatile Config config;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NonDeliveryReports reports;

    @Activate
    @Modified
    void configure(Config c) throws IOException {
        Files.createDirectories(Path.of(c.outbox()));
        this.config = c;
    }

    @Override
    public String id() {
        return "scripted";
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return List.of(new AddressSpace("SMTP", config.pattern(), config.cost()));
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) throws IOException {
        Config c = config;
        Path outbox = Path.of(c.outbox());
        Files.writeString(outbox.resolve("attempts.log"), d.queueId() + " " + d.attempt() + " "
                + System.currentTimeMillis() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        int now = inFlight.incrementAndGet();
        try {
            if (peak.accumulateAndGet(now, Math::max) == now) {
                Files.writeString(outbox.resolve("peak-concurrency"), String.valueOf(now));
            }
            if (c.delayMillis() > 0) {
                Thread.sleep(c.delayMillis());
            }
            List<RecipientResult> results = answer(d, c, outbox);
            if ("relay-then-fail".equals(c.mode())) {
                reportLate(d);
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** What a real gateway does when its foreign system reports a failure after taking the message. */
    private void reportLate(Delivery d) throws IOException {
        NonDeliveryReports r = reports;
        if (r == null) {
            throw new IOException("no NonDeliveryReports service to report the late failure to");
        }
        for (Recipient rcpt : d.envelope().recipients()) {
            try {
                r.report(new LateNonDelivery(d.queueId(), d.envelope().sender(), d.envelope().envelopeId(),
                        d.envelope().dsnReturn(), rcpt, "5.1.1", "scripted system says later: mailbox closed",
                        "scripted.test", d.envelope().origin().received(), d.content()));
            } catch (QueueException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    private static List<RecipientResult> answer(Delivery d, Config c, Path outbox) throws IOException {
        List<RecipientResult> results = new ArrayList<>();
        for (Recipient r : d.envelope().recipients()) {
            switch (c.mode()) {
                case "retry" -> results.add(RecipientResult.retry(r, "4.4.1", "scripted gateway says: try later"));
                case "fail" -> results.add(RecipientResult.failed(r, "5.1.2", "scripted gateway says: no such system"));
                case "relay-then-fail" -> results.add(new RecipientResult(r, DeliveryStatus.RELAYED, "2.0.0",
                        "handed to the scripted system", null));
                default -> {
                    try (InputStream in = d.content().open()) {
                        Files.copy(in, outbox.resolve(d.queueId() + "-" + r.address().localPart() + ".eml"));
                    }
                    results.add(RecipientResult.delivered(r, "written to the outbox"));
                }
            }
        }
        return results;
    }
}
