package org.postrider.gateway.pickup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.queue.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway to a foreign system that exchanges mail as files, as IIS's and Exchange's pickup
 * and drop directories did: mail for its address spaces is written to the drop directory,
 * files the foreign system puts in the pickup directory are queued. Built against the
 * Postrider API only.
 */
@Component(service = Gateway.class, configurationPid = "org.postrider.gateway.pickup")
@Designate(ocd = PickupGateway.Config.class)
public class PickupGateway implements Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(PickupGateway.class);

    /** Temporary files older than this in the drop directory are a crash's leftovers. */
    private static final Duration LEFTOVER_AGE = Duration.ofHours(1);

    @ObjectClassDefinition(name = "Postrider pickup/drop directory gateway")
    public @interface Config {
        @AttributeDefinition(description = "The gateway's id: its transport is gateway:ID")
        String id() default "pickup";

        @AttributeDefinition(description = "Address spaces written to the drop directory, each TYPE:PATTERN;COST, e.g. SMTP:*@files.example.org;1")
        String[] addressSpaces() default {};

        @AttributeDefinition(description = "Where mail for the address spaces is written (empty: nothing goes out)")
        String dropDirectory() default "";

        @AttributeDefinition(description = "Where the foreign system puts mail to be sent (empty: nothing comes in)")
        String pickupDirectory() default "";

        @AttributeDefinition(description = "How often the pickup directory is read, in milliseconds")
        long pollMillis() default 1000;

        @AttributeDefinition(description = "The largest message taken from the pickup directory, in octets")
        long maxMessageSize() default 26214400;

        @AttributeDefinition(description = "The most x-receiver lines in a pickup file")
        int maxRecipients() default 100;

        @AttributeDefinition(description = "Whether files in the pickup directory may send outside the organisation's domains (as an authenticated client may)")
        boolean relay() default false;
    }

    /**
     * The queue and router are looked up at each scan, not bound as DS references: the queue
     * binds the gateways, and while it activates SCR breaks that circle by leaving a
     * gateway's reference to it unbound, for good (the pickup then never ran).
     */
    private BundleContext context;

    private volatile String id = "pickup";
    private volatile List<AddressSpace> spaces = List.of();
    private volatile Drop drop;
    private ScheduledExecutorService poller;

    @Activate
    synchronized void activate(BundleContext bundleContext, Config c) throws IOException {
        this.context = bundleContext;
        configure(c);
    }

    @Modified
    synchronized void configure(Config c) throws IOException {
        if (!c.id().matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("gateway id must be 1-32 of a-z, 0-9, '-': " + c.id());
        }
        if (c.maxRecipients() < 1 || c.maxRecipients() > 1000) {
            throw new IllegalArgumentException("maxRecipients must be between 1 and 1000");
        }
        if (c.maxMessageSize() < 1 || c.pollMillis() < 10) {
            throw new IllegalArgumentException("maxMessageSize must be positive and pollMillis at least 10");
        }
        Path dropDir = c.dropDirectory().isBlank() ? null : Path.of(c.dropDirectory()).toAbsolutePath().normalize();
        Path pickupDir = c.pickupDirectory().isBlank() ? null
                : Path.of(c.pickupDirectory()).toAbsolutePath().normalize();
        if (dropDir != null && pickupDir != null && (dropDir.startsWith(pickupDir) || pickupDir.startsWith(dropDir))) {
            // what goes out would come straight back in
            throw new IllegalArgumentException("the drop and pickup directories must be apart: " + dropDir + ", "
                    + pickupDir);
        }
        stopPoller();
        this.spaces = parseSpaces(c.addressSpaces());
        this.id = c.id();
        if (dropDir != null) {
            Files.createDirectories(dropDir);
            int n = DurableWrite.removeLeftovers(dropDir, LEFTOVER_AGE);
            if (n > 0) {
                LOG.info("Removed {} unfinished file(s) an earlier crash left in {}", n, dropDir);
            }
            this.drop = new Drop(dropDir);
        } else {
            this.drop = null;
        }
        if (pickupDir != null) {
            Pickup pickup = new Pickup(c.id(), pickupDir,
                    new Pickup.Limits(c.maxMessageSize(), c.maxRecipients(), c.relay()));
            BundleContext bc = context;
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pickup-" + c.id());
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(() -> scan(bc, pickup), 0, c.pollMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("Pickup gateway {}: drop {}, pickup {}, serves {}", c.id(), dropDir, pickupDir, spaces);
    }

    private static void scan(BundleContext bc, Pickup pickup) {
        ServiceReference<MailQueue> qr = null;
        ServiceReference<Router> rr = null;
        try {
            qr = bc.getServiceReference(MailQueue.class);
            rr = bc.getServiceReference(Router.class);
            MailQueue q = qr == null ? null : bc.getService(qr);
            Router r = rr == null ? null : bc.getService(rr);
            pickup.scan(q, r);
        } catch (IOException | RuntimeException e) {
            // an IllegalStateException once this bundle stops: the next instance takes over
            LOG.warn("Reading the pickup directory failed: {}", e.toString());
        } finally {
            unget(bc, qr);
            unget(bc, rr);
        }
    }

    private static void unget(BundleContext bc, ServiceReference<?> ref) {
        if (ref != null) {
            try {
                bc.ungetService(ref);
            } catch (RuntimeException stopping) {
                // the bundle is stopping: its uses are released anyway
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stopPoller();
    }

    /** Stops scanning; a file being queued finishes (committed, or left for the next instance). */
    private void stopPoller() {
        ScheduledExecutorService p = poller;
        poller = null;
        if (p == null) {
            return;
        }
        p.shutdown();
        try {
            if (!p.awaitTermination(30, TimeUnit.SECONDS)) {
                p.shutdownNow(); // an uncommitted submission is discarded: the file stays for the next scan
            }
        } catch (InterruptedException e) {
            p.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code TYPE:PATTERN;COST}: the type is up to the first colon, the cost after the last semicolon. */
    static List<AddressSpace> parseSpaces(String[] entries) {
        List<AddressSpace> out = new ArrayList<>();
        for (String e : entries == null ? new String[0] : entries) {
            String s = e.trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.indexOf(':');
            int semi = s.lastIndexOf(';');
            if (colon <= 0 || semi < colon + 2) {
                throw new IllegalArgumentException("an address space is TYPE:PATTERN;COST, not " + s);
            }
            int cost;
            try {
                cost = Integer.parseInt(s.substring(semi + 1).trim());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("bad cost in " + s);
            }
            out.add(new AddressSpace(s.substring(0, colon).trim(), s.substring(colon + 1, semi).trim(), cost));
        }
        return List.copyOf(out);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return spaces;
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) throws IOException {
        Drop to = drop;
        if (to == null) {
            return d.envelope().recipients().stream()
                    .map(r -> RecipientResult.retry(r, "4.3.5", "gateway " + id + " has no drop directory configured"))
                    .toList();
        }
        return to.deliver(d);
    }
}
