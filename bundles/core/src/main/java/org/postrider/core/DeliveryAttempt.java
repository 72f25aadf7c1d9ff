package org.postrider.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Recipient;
import org.postrider.api.message.TypedProperties;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.track.TrackEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt over every pending recipient of a message: route, group by destination, hand
 * each group to its transport's agent, record each result in the message's state. Runs in
 * the message's turn. Each transport has its own pool of slots, so local delivery never
 * waits behind slow remote hops; each destination has its own smaller pool.
 */
final class DeliveryAttempt {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempt.class);
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");

    /**
     * What the attempt leaves for the scheduler, and the destination slot of its last group,
     * still held: the caller records the results durably, then {@link #release}s it.
     */
    record Outcome(String waitingFor, Held held) {
        void release() {
            if (held != null) {
                held.release();
            }
        }
    }

    /** Makes the results recorded so far in a message's state durable. */
    interface Recorder {
        void record(QueuedMessage m) throws IOException;
    }

    /**
     * A destination slot kept from the agent's answer until that answer is on disk: a copy the
     * next hop acknowledged and we have not yet recorded goes again after a crash, so at most
     * one such copy per slot may exist at once (as a Postfix delivery agent marks the queue
     * file done before it takes the next message).
     */
    final class Held {
        private final Slots slots;
        private final String key;
        private boolean acquired;
        private boolean released;

        private Held(Slots slots, String key) {
            this.slots = slots;
            this.key = key;
        }

        void release() {
            if (released) {
                return;
            }
            released = true;
            if (acquired) {
                slots.release();
            }
            unshare(destinations, key);
        }
    }

    private record GroupOutcome(boolean serviceMissing, Held held) {
    }

    private record Target(int index, Recipient original, Route route) {
    }

    interface ContentSource {
        MessageContent content(QueuedMessage m) throws IOException;
    }

    /** The typed property set of a message that has one, read from its spool header. */
    interface PropertiesSource {
        TypedProperties properties(QueuedMessage m) throws IOException;
    }

    private final Function<MailAddress, Routing> router;
    private final AgentRegistry agents;
    private final ContentSource spool;
    private final PropertiesSource properties;
    private final QueueCounters counters;
    private final IntSupplier transportLimit;
    private final IntSupplier destinationLimit;
    private final Map<String, Slots> transports = new ConcurrentHashMap<>();
    private final Map<String, Slots> destinations = new ConcurrentHashMap<>();
    private TrackJournal tracking = new TrackJournal(null, "", 0, 0, null);
    /** Transports with alternatives whose last attempt said "retry", and when: skipped for a while. */
    private final Map<String, Instant> failing = new ConcurrentHashMap<>();
    /** How long a failing gateway is passed over for a cheaper-to-reach alternative. */
    static final Duration FALLBACK_HOLD = Duration.ofMinutes(5);

    DeliveryAttempt(Function<MailAddress, Routing> router, AgentRegistry agents, ContentSource spool,
            PropertiesSource properties, QueueCounters counters, IntSupplier transportLimit,
            IntSupplier destinationLimit) {
        this.router = router;
        this.agents = agents;
        this.spool = spool;
        this.properties = properties;
        this.counters = counters;
        this.transportLimit = transportLimit;
        this.destinationLimit = destinationLimit;
    }

    void tracking(TrackJournal journal) {
        this.tracking = journal;
    }

    /** The slots of a destination's pool in use now (for tests: which attempt holds one). */
    int inUse(String destinationKey) {
        Slots pool = destinations.get(destinationKey);
        return pool == null ? 0 : pool.used();
    }

    /** Applies changed limits to the pools in use; slots already taken stay valid. */
    void limitsChanged() {
        transports.values().forEach(s -> s.limit(transportLimit.getAsInt()));
        destinations.values().forEach(s -> s.limit(destinationLimit.getAsInt()));
    }

    /**
     * Delivers to every pending recipient. Before the next group takes a slot, the results so
     * far go to {@code recorder} and the previous group's slot is given back; the last
     * group's slot comes back held in the outcome.
     */
    Outcome run(QueuedMessage m, Recorder recorder) throws IOException, InterruptedException {
        Held held = null;
        try {
            MessageState s = m.state;
            String waitingFor = null;
            Map<String, List<Target>> groups = new LinkedHashMap<>();
            Map<Integer, Routing> routings = new LinkedHashMap<>();
            for (int i = 0; i < s.rcpts.size(); i++) {
                MessageState.Rcpt r = s.rcpts.get(i);
                if (r.status != MessageState.Status.PENDING) {
                    continue;
                }
                Recipient rcpt = m.envelope.recipients().get(i);
                Routing routing = router.apply(rcpt.address());
                routings.put(i, routing);
                if (routing.failed()) {
                    fail(r, routing.code(), routing.diagnostic(), null);
                    MAILLOG.info("bounced id={} to=<{}> status={} reason={}", m.id, rcpt.address(), routing.code(),
                            routing.diagnostic());
                    tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.BOUNCED, rcpt.address().toString(), null,
                            null, routing.code() + " " + routing.diagnostic());
                    continue;
                }
                if (routing.temporary()) {
                    s.lastError = routing.code() + " " + routing.diagnostic();
                    waitingFor = "directory";
                    continue;
                }
                for (Route planned : routing.routes()) {
                    Route route = choose(planned);
                    if (!r.done.contains(route.finalAddress().toString())) {
                        // members forwarded elsewhere travel apart, each copy marked with its alias
                        String key = forwarded(rcpt, route) ? route.key() + "\u0000" + rcpt.address() : route.key();
                        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Target(i, rcpt, route));
                    }
                }
            }
            for (List<Target> group : groups.values()) {
                Route route = group.get(0).route();
                DeliveryAgent agent = agents.agent(route.transport());
                if (agent == null) {
                    s.lastError = "4.3.0 no delivery agent for transport " + route.transport() + " yet";
                    waitingFor = route.transport();
                    continue;
                }
                if (held != null) {
                    // the previous group's answer is on disk before its slot takes another message
                    recorder.record(m);
                    held.release();
                    held = null;
                }
                GroupOutcome g = deliverGroup(m, agent, route, group);
                held = g.held();
                if (g.serviceMissing()) {
                    waitingFor = waitingFor != null ? waitingFor : "service";
                }
            }
            for (Map.Entry<Integer, Routing> e : routings.entrySet()) {
                MessageState.Rcpt r = s.rcpts.get(e.getKey());
                Routing routing = e.getValue();
                if (r.status == MessageState.Status.PENDING && !routing.temporary() && !routing.failed()
                        && routing.routes().stream().allMatch(rt -> r.done.contains(rt.finalAddress().toString()))) {
                    r.status = MessageState.Status.DELIVERED;
                    Recipient original = m.envelope.recipients().get(e.getKey());
                    boolean expansion = routing.routes().size() != 1
                            || !routing.routes().get(0).finalAddress().equals(original.address());
                    boolean someMemberHasIt = r.memberFailures.size() < routing.routes().size();
                    if (expansion && someMemberHasIt && original.notifyOn().contains(DsnNotify.SUCCESS)
                            && r.success == null) {
                        r.success = "expanded";
                        r.code = "2.0.0";
                        r.diagnostic = "delivered to the " + routing.routes().size() + " members of the expansion";
                    }
                }
            }
            s.attempts++;
            return new Outcome(waitingFor, held);
        } catch (Throwable t) {
            if (held != null) {
                held.release();
            }
            throw t;
        }
    }

    /**
     * The route to use now: the planned one, or, when its agent is absent or answered
     * "retry" within {@link #FALLBACK_HOLD}, the next alternative whose agent is bound and not
     * failing (Exchange's address-space fallback); if all are failing, the first bound one.
     */
    private Route choose(Route planned) {
        if (planned.alternatives().isEmpty()) {
            return planned;
        }
        Instant now = Instant.now();
        Route bound = null;
        for (Route c : planned.candidates()) {
            if (agents.agent(c.transport()) == null) {
                continue;
            }
            Instant since = failing.get(c.transport());
            if (since == null || since.plus(FALLBACK_HOLD).isBefore(now)) {
                return c;
            }
            if (bound == null) {
                bound = c;
            }
        }
        return bound != null ? bound : planned;
    }

    /** Remembers how a transport that has alternatives did, for {@link #choose}. */
    private void noteOutcome(String transport, boolean succeeded, boolean retry) {
        if (!transport.startsWith("gateway:")) {
            return;
        }
        if (succeeded) {
            failing.remove(transport);
        } else if (retry) {
            failing.put(transport, Instant.now());
        }
    }

    /** A member of an alias or list expansion that leaves this server (local delivery adds its own). */
    private static boolean forwarded(Recipient original, Route route) {
        return !"local".equals(route.transport()) && !route.finalAddress().equals(original.address());
    }

    /** The pool for a key, counted as in use until {@link #unshare}, so an idle destination's pool is dropped. */
    private static Slots share(Map<String, Slots> pools, String key, IntSupplier limit) {
        return pools.compute(key, (k, pool) -> {
            Slots p = pool != null ? pool : new Slots(limit.getAsInt());
            p.users++;
            return p;
        });
    }

    private static void unshare(Map<String, Slots> pools, String key) {
        pools.computeIfPresent(key, (k, pool) -> --pool.users == 0 ? null : pool);
    }

    /**
     * The envelope as the transport gets it: the typed property set holds the Bcc rows and stays
     * inside the organisation, so only the internal transport (server to server of the
     * organisation) gets it, read from the spool; SMTP, local delivery and third-party gateways
     * do not.
     */
    private Envelope forTransport(QueuedMessage m, Envelope e, String transport) throws IOException {
        return m.propertiesSize < 0 || !INTERNAL.equals(transport) ? e : e.withProperties(properties.properties(m));
    }

    /** The transport between the organisation's servers: the only one the typed set goes to. */
    static final String INTERNAL = "internal";

    /**
     * Delivers one group: whether a result said a service of ours was unavailable (4.3.0), and
     * the destination slot, held while it has an answer not yet on disk.
     */
    private GroupOutcome deliverGroup(QueuedMessage m, DeliveryAgent agent, Route route, List<Target> group)
            throws IOException, InterruptedException {
        MessageState s = m.state;
        List<Recipient> finals = new ArrayList<>();
        for (Target t : group) {
            finals.add(new Recipient(t.route().finalAddress(), t.original().notifyOn(),
                    t.original().originalRecipient()));
        }
        MessageContent content = spool.content(m);
        if (forwarded(group.get(0).original(), route)) {
            // As Postfix's local(8) does when an alias forwards: Delivered-To names the alias, so
            // a copy that comes back through it is recognised as a loop at once, not after 50 hops.
            MailAddress alias = group.get(0).original().address();
            if (TraceFields.deliveredTo(TraceFields.header(content), alias)) {
                for (Target t : group) {
                    MessageState.Rcpt r = s.rcpts.get(t.index());
                    r.done.add(t.route().finalAddress().toString());
                    r.memberFailures.add(new MessageState.MemberFailure(t.route().finalAddress().toString(), "5.4.6",
                            "mail forwarding loop through " + alias, null));
                    counters.failed.incrementAndGet();
                    MAILLOG.info("bounced id={} to=<{}> status=5.4.6 reason=mail forwarding loop through {}", m.id,
                            t.route().finalAddress(), alias);
                    tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.BOUNCED,
                            t.route().finalAddress().toString(), null, null, "5.4.6 mail forwarding loop through " + alias);
                }
                return new GroupOutcome(false, null);
            }
            content = TraceFields.withTrace(("Delivered-To: " + alias + "\r\n").getBytes(StandardCharsets.UTF_8),
                    content, "", false);
        }
        Held destination = new Held(share(destinations, route.key(), destinationLimit), route.key());
        boolean handedOver = false;
        try {
            List<RecipientResult> results;
            Slots transport = share(transports, route.transport(), transportLimit);
            try {
                // the destination's own (smaller) pool first: one slow domain waiting for its slots
                // must not sit on the transport's slots that other domains need
                destination.slots.acquire();
                destination.acquired = true;
                transport.acquire();
                try {
                    results = agent.deliver(new Delivery(m.id, forTransport(m, m.envelope.withRecipients(finals),
                            route.transport()), content,
                            route.destination(), s.attempts + 1));
                } finally {
                    transport.release();
                }
                if (results == null) {
                    throw new IllegalStateException("the agent gave no results");
                }
            } catch (InterruptedException ie) {
                throw ie;
            } catch (Exception | LinkageError | AssertionError ex) {
                // an agent whose bundle is being refreshed may throw NoClassDefFoundError: retry later
                s.lastError = "4.0.0 " + route.transport() + " agent failed: " + ex;
                counters.deferred.incrementAndGet();
                LOG.warn("Agent {} failed on {}: {}", route.transport(), m.id, ex.toString());
                noteOutcome(route.transport(), false, true);
                return new GroupOutcome(false, null);
            } finally {
                unshare(transports, route.transport());
            }
            boolean serviceMissing = applyResults(m, route, group, results);
            // only an accepted copy can go twice; a slot that got "retry" or "failed" is free at once
            handedOver = results.stream()
                    .anyMatch(x -> x.status() == DeliveryStatus.DELIVERED || x.status() == DeliveryStatus.RELAYED);
            return new GroupOutcome(serviceMissing, handedOver ? destination : null);
        } finally {
            if (!handedOver) {
                destination.release();
            }
        }
    }

    /** Records each recipient's result in the message's state; true when one said a service of ours was missing. */
    private boolean applyResults(QueuedMessage m, Route route, List<Target> group, List<RecipientResult> results) {
        MessageState s = m.state;
        noteOutcome(route.transport(),
                results.stream().anyMatch(x -> x.status() == DeliveryStatus.DELIVERED || x.status() == DeliveryStatus.RELAYED),
                results.stream().anyMatch(x -> x.status() == DeliveryStatus.RETRY));
        boolean serviceMissing = false;
        for (Target t : group) {
            RecipientResult res = results.stream()
                    .filter(x -> x.recipient().address().equals(t.route().finalAddress())).findFirst().orElse(null);
            MessageState.Rcpt r = s.rcpts.get(t.index());
            if (res == null) {
                s.lastError = "4.0.0 " + route.transport() + " agent gave no result for " + t.route().finalAddress();
                continue;
            }
            boolean member = !t.route().finalAddress().equals(t.original().address());
            switch (res.status()) {
                case DELIVERED, RELAYED -> {
                    r.done.add(t.route().finalAddress().toString());
                    counters.delivered.incrementAndGet();
                    if (!member) {
                        noteSuccess(r, t, route, res);
                    }
                    MAILLOG.info("delivered id={} to=<{}> via={} dest={} {}", m.id, t.route().finalAddress(),
                            route.transport(), route.destination(), DsnBuilder.clean(res.diagnostic()));
                    tracking.record(m.id.value(), m.messageId,
                            "local".equals(route.transport()) ? TrackEvent.Kind.DELIVERED : TrackEvent.Kind.RELAYED,
                            t.route().finalAddress().toString(), route.transport(), peer(route, res),
                            DsnBuilder.clean(res.diagnostic()));
                }
                case FAILED -> {
                    if (member) {
                        // the other members still get it; the sender hears about this one
                        r.done.add(t.route().finalAddress().toString());
                        r.memberFailures.add(new MessageState.MemberFailure(t.route().finalAddress().toString(),
                                code(res.enhancedCode()), res.diagnostic(), res.remoteHost()));
                        counters.failed.incrementAndGet();
                    } else {
                        fail(r, res.enhancedCode(), res.diagnostic(), res.remoteHost());
                    }
                    MAILLOG.info("bounced id={} to=<{}> via={} status={} reason={}", m.id,
                            t.route().finalAddress(), route.transport(), res.enhancedCode(),
                            DsnBuilder.clean(res.diagnostic()));
                    tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.BOUNCED,
                            t.route().finalAddress().toString(), route.transport(), peer(route, res),
                            res.enhancedCode() + " " + DsnBuilder.clean(res.diagnostic()));
                }
                case RETRY -> {
                    s.lastError = res.enhancedCode() + " " + res.diagnostic();
                    serviceMissing |= "4.3.0".equals(res.enhancedCode());
                    counters.deferred.incrementAndGet();
                    MAILLOG.info("deferred id={} to=<{}> via={} status={} reason={}", m.id,
                            t.route().finalAddress(), route.transport(), res.enhancedCode(),
                            DsnBuilder.clean(res.diagnostic()));
                    String deferral = t.route().finalAddress() + " " + route.transport() + " " + res.enhancedCode()
                            + " " + DsnBuilder.clean(res.diagnostic());
                    if (!deferral.equals(m.lastTrackedDeferral)) {
                        // the same reason again and again (a hop down for hours) is one line, not one a retry
                        m.lastTrackedDeferral = deferral;
                        tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.DEFERRED,
                                t.route().finalAddress().toString(), route.transport(), peer(route, res),
                                res.enhancedCode() + " " + DsnBuilder.clean(res.diagnostic()));
                    }
                }
            }
        }
        return serviceMissing;
    }

    /** Where a copy went: the route's destination (mailbox, server, domain) and the host that answered. */
    private static String peer(Route route, RecipientResult res) {
        return res.remoteHost() == null ? route.destination() : route.destination() + " " + res.remoteHost();
    }

    /**
     * Remembers what to tell a sender who asked for NOTIFY=SUCCESS: "delivered" after local
     * delivery, "relayed" where the next hop will not report. A hop that took the request
     * over (DELIVERED on another transport) reports itself.
     */
    private static void noteSuccess(MessageState.Rcpt r, Target t, Route route, RecipientResult res) {
        if (!t.original().notifyOn().contains(DsnNotify.SUCCESS)) {
            return;
        }
        boolean relayed = res.status() == DeliveryStatus.RELAYED;
        if (!relayed && !"local".equals(route.transport())) {
            return;
        }
        r.success = relayed ? "relayed" : "delivered";
        r.code = res.enhancedCode() != null ? res.enhancedCode() : "2.0.0";
        r.diagnostic = res.diagnostic();
        r.remoteHost = res.remoteHost();
    }

    private void fail(MessageState.Rcpt r, String code, String diagnostic, String remoteHost) {
        r.status = MessageState.Status.FAILED;
        r.code = code(code);
        r.diagnostic = diagnostic;
        r.remoteHost = remoteHost;
        counters.failed.incrementAndGet();
    }

    private static String code(String code) {
        return code != null ? code : "5.0.0";
    }

    /** Fails every pending recipient (expiry, an administrator's bounce). */
    void failPending(MessageState s, String code, String diagnostic) {
        for (MessageState.Rcpt r : s.rcpts) {
            if (r.status == MessageState.Status.PENDING) {
                fail(r, code, diagnostic, null);
            }
        }
    }
}
