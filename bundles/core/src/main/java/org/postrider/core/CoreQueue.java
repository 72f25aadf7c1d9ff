package org.postrider.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.queue.Submission;
import org.postrider.api.gateway.Gateway;
import org.postrider.kit.text.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The queue and delivery scheduler. Accepted messages are durable in the spool before
 * {@link Submission#commit} returns; each is then attempted at once and, while recipients
 * remain, again on the retry schedule, grouped by route and handed to the delivery agent
 * of each transport. Agents are bound dynamically: mail for a transport whose agent is
 * being updated waits and is retried shortly, never dropped. On start the spool is
 * recovered and everything in it scheduled again.
 */
@Component(service = {MailQueue.class, CoreQueue.class}, configurationPid = "org.postrider.core.queue")
@Designate(ocd = CoreQueue.Config.class)
public class CoreQueue implements MailQueue {
    private static final Logger LOG = LoggerFactory.getLogger(CoreQueue.class);
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");

    @ObjectClassDefinition(name = "Postrider queue")
    public @interface Config {
        @AttributeDefinition(description = "Spool directory")
        String spool() default "data/spool";

        @AttributeDefinition(description = "Delays between attempts, the last one repeating (s, m, h, d)")
        String retrySchedule() default "1m,5m,15m,30m,1h,2h,4h";

        @AttributeDefinition(description = "Send a delay notice once a message has waited this long")
        String delayWarning() default "4h";

        @AttributeDefinition(description = "Give up and bounce after this long")
        String maxLifetime() default "5d";

        @AttributeDefinition(description = "Retry delay while no delivery agent serves a transport")
        String agentWait() default "10s";

        @AttributeDefinition(description = "Refuse messages with more Received fields than this (loop)")
        int maxHops() default 50;

        @AttributeDefinition(description = "Deliveries in flight at once")
        int concurrency() default 32;

        @AttributeDefinition(description = "Deliveries in flight at once to one destination")
        int destinationConcurrency() default 8;

        @AttributeDefinition(description = "Sender of delivery status notifications")
        String mailerDaemon() default "MAILER-DAEMON@example.org";
    }

    /** A queued message in memory; its truth is on disk. */
    static final class Entry {
        final QueueId id;
        final Envelope envelope;
        final long contentOffset;
        final MessageState state;
        volatile ScheduledFuture<?> timer;
        volatile boolean running;
        volatile boolean waitingForAgent;

        Entry(QueueId id, Envelope envelope, long contentOffset, MessageState state) {
            this.id = id;
            this.envelope = envelope;
            this.contentOffset = contentOffset;
            this.state = state;
        }
    }

    record AgentRef(DeliveryAgent agent, int ranking, long serviceId) {
    }

    private final RecipientRouter router;
    private final String serverName;
    private final Map<QueueId, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, List<AgentRef>> agents = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "queue-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 0).factory());
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile Config config;
    private volatile Spool spool;
    private volatile Semaphore global;
    private volatile List<Duration> schedule;
    private volatile Duration delayWarning;
    private volatile Duration maxLifetime;
    private volatile Duration agentWait;

    @Activate
    public CoreQueue(BundleContext context, @Reference RecipientRouter router, Config config) throws IOException {
        this.router = router;
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
        configure(config);
        this.spool = new Spool(Path.of(config.spool()).toAbsolutePath());
        recover();
    }

    @Modified
    void configure(Config c) {
        this.schedule = Durations.list(c.retrySchedule());
        this.delayWarning = Durations.parse(c.delayWarning());
        this.maxLifetime = Durations.parse(c.maxLifetime());
        this.agentWait = Durations.parse(c.agentWait());
        this.global = new Semaphore(Math.max(1, c.concurrency()));
        this.destinations.clear();
        this.config = c;
    }

    private void recover() throws IOException {
        spool.removeOrphans();
        int n = 0;
        for (QueueId id : spool.committed()) {
            try {
                SpoolFormat.Parsed p = spool.readHeader(id);
                MessageState s = spool.readState(id, p.envelope().recipients().size());
                Entry e = new Entry(id, p.envelope(), p.contentOffset(), s);
                entries.put(id, e);
                schedule(e, Math.max(0, s.nextAttempt - System.currentTimeMillis()));
                n++;
            } catch (IOException e) {
                LOG.error("Cannot recover queued message {}: {}; left in the spool", id, e.getMessage());
            }
        }
        LOG.info("Queue recovered {} messages from {}", n, config.spool());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        timer.shutdownNow();
        workers.shutdown();
        // Attempts in flight may finish; what they leave is on disk and will be retried.
        if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
        LOG.info("Queue stopped with {} messages waiting", entries.size());
    }

    // --- delivery agents (dynamic: bundles come and go while mail waits) ---

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAgent(DeliveryAgent agent, Map<String, Object> props) {
        Object transport = props.get(DeliveryAgent.TRANSPORT);
        if (agent instanceof Gateway g) {
            transport = "gateway:" + g.id();
        }
        if (transport == null) {
            LOG.warn("Delivery agent {} has no {} property; ignored", agent, DeliveryAgent.TRANSPORT);
            return;
        }
        String t = transport.toString();
        Object ranking = props.get(Constants.SERVICE_RANKING);
        AgentRef ref = new AgentRef(agent, ranking instanceof Integer i ? i : 0, (Long) props.get(Constants.SERVICE_ID));
        agents.computeIfAbsent(t, k -> new CopyOnWriteArrayList<>()).add(ref);
        LOG.info("Delivery agent for transport {} bound", t);
        for (Entry e : entries.values()) {
            if (e.waitingForAgent && !e.state.held) {
                schedule(e, 0);
            }
        }
    }

    void removeAgent(DeliveryAgent agent, Map<String, Object> props) {
        for (List<AgentRef> list : agents.values()) {
            list.removeIf(r -> r.agent() == agent);
        }
    }

    private DeliveryAgent agent(String transport) {
        List<AgentRef> list = agents.get(transport);
        if (list == null || list.isEmpty()) {
            return null;
        }
        return list.stream().max(Comparator.comparingInt(AgentRef::ranking)
                .thenComparing(AgentRef::serviceId, Comparator.reverseOrder())).map(AgentRef::agent).orElse(null);
    }

    // --- submission ---

    @Override
    public Submission begin(Envelope envelope) throws QueueException {
        QueueId id = QueueIds.next();
        try {
            Spool.Writer w = spool.begin(id, envelope, TraceHeader.received(envelope, id, serverName));
            return new CoreSubmission(this, w, config.maxHops());
        } catch (IOException e) {
            throw new QueueException("4.3.0 cannot write to the queue: " + e.getMessage(), e);
        }
    }

    /** Called by a committed submission: the message is durable, schedule it now. */
    void accepted(QueueId id) {
        try {
            SpoolFormat.Parsed p = spool.readHeader(id);
            Entry e = new Entry(id, p.envelope(), p.contentOffset(),
                    MessageState.fresh(p.envelope().recipients().size()));
            entries.put(id, e);
            accepted.incrementAndGet();
            MAILLOG.info("queued id={} from=<{}> nrcpt={} proto={}", id, nullable(p.envelope().sender()),
                    p.envelope().recipients().size(), p.envelope().origin().protocol());
            schedule(e, 0);
        } catch (IOException ex) {
            // Durable already; recovery at the next start will pick it up.
            LOG.error("Committed message {} could not be scheduled: {}", id, ex.getMessage());
        }
    }

    private static String nullable(Object o) {
        return o == null ? "" : o.toString();
    }

    // --- scheduling ---

    private void schedule(Entry e, long delayMillis) {
        ScheduledFuture<?> old = e.timer;
        if (old != null) {
            old.cancel(false);
        }
        try {
            e.timer = timer.schedule(() -> workers.execute(() -> attempt(e)), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the queue is stopping; the message stays in the spool
        }
    }

    private void attempt(Entry e) {
        synchronized (e) {
            if (e.running || e.state.held || entries.get(e.id) != e) {
                return;
            }
            e.running = true;
        }
        MDC.put("queueId", e.id.value());
        boolean permit = false;
        try {
            global.acquire();
            permit = true;
            deliver(e);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException ex) {
            LOG.error("Delivery attempt of {} failed unexpectedly; will retry", e.id, ex);
            schedule(e, schedule.get(0).toMillis());
        } finally {
            if (permit) {
                global.release();
            }
            e.running = false;
            MDC.remove("queueId");
        }
    }

    /** One attempt over every pending recipient of a message. */
    private void deliver(Entry e) throws IOException, InterruptedException {
        MessageState s = e.state;
        Map<String, List<Target>> groups = new LinkedHashMap<>();
        Map<Integer, Routing> routings = new LinkedHashMap<>();
        for (int i = 0; i < s.rcpts.size(); i++) {
            MessageState.Rcpt r = s.rcpts.get(i);
            if (r.status != MessageState.Status.PENDING) {
                continue;
            }
            Recipient rcpt = e.envelope.recipients().get(i);
            Routing routing = router.route(rcpt.address());
            routings.put(i, routing);
            if (routing.failed()) {
                fail(r, routing.code(), routing.diagnostic(), null);
                MAILLOG.info("bounced id={} to=<{}> status={} reason={}", e.id, rcpt.address(), routing.code(),
                        routing.diagnostic());
                continue;
            }
            if (routing.temporary()) {
                s.lastError = routing.code() + " " + routing.diagnostic();
                continue;
            }
            for (Route route : routing.routes()) {
                if (!r.done.contains(route.finalAddress().toString())) {
                    groups.computeIfAbsent(route.key(), k -> new ArrayList<>()).add(new Target(i, rcpt, route));
                }
            }
        }
        boolean onlyMissingAgents = !groups.isEmpty();
        e.waitingForAgent = false;
        for (List<Target> group : groups.values()) {
            Route route = group.get(0).route();
            DeliveryAgent agent = agent(route.transport());
            if (agent == null) {
                s.lastError = "4.3.0 no delivery agent for transport " + route.transport() + " yet";
                e.waitingForAgent = true;
                continue;
            }
            onlyMissingAgents = false;
            deliverGroup(e, agent, route, group);
        }
        for (Map.Entry<Integer, Routing> m : routings.entrySet()) {
            MessageState.Rcpt r = s.rcpts.get(m.getKey());
            if (r.status == MessageState.Status.PENDING && !m.getValue().temporary() && !m.getValue().failed()
                    && m.getValue().routes().stream().allMatch(rt -> r.done.contains(rt.finalAddress().toString()))) {
                r.status = MessageState.Status.DELIVERED;
            }
        }
        s.attempts++;
        finishAttempt(e, onlyMissingAgents);
    }

    private record Target(int index, Recipient original, Route route) {
    }

    private void deliverGroup(Entry e, DeliveryAgent agent, Route route, List<Target> group)
            throws IOException, InterruptedException {
        MessageState s = e.state;
        Semaphore limit = destinations.computeIfAbsent(route.key(),
                k -> new Semaphore(Math.max(1, config.destinationConcurrency())));
        List<Recipient> finals = new ArrayList<>();
        for (Target t : group) {
            finals.add(new Recipient(t.route().finalAddress(), t.original().notifyOn(),
                    t.original().originalRecipient()));
        }
        MessageContent content = spool.content(e.id, e.contentOffset);
        List<RecipientResult> results;
        limit.acquire();
        try {
            results = agent.deliver(new Delivery(e.id, e.envelope.withRecipients(finals), content,
                    route.destination(), s.attempts + 1));
        } catch (Exception ex) {
            s.lastError = "4.0.0 " + route.transport() + " agent failed: " + ex.getMessage();
            deferred.incrementAndGet();
            LOG.warn("Agent {} failed on {}: {}", route.transport(), e.id, ex.toString());
            return;
        } finally {
            limit.release();
        }
        for (Target t : group) {
            RecipientResult res = results.stream()
                    .filter(x -> x.recipient().address().equals(t.route().finalAddress())).findFirst().orElse(null);
            MessageState.Rcpt r = s.rcpts.get(t.index());
            if (res == null) {
                s.lastError = "4.0.0 " + route.transport() + " agent gave no result for " + t.route().finalAddress();
                continue;
            }
            switch (res.status()) {
                case DELIVERED, RELAYED -> {
                    r.done.add(t.route().finalAddress().toString());
                    delivered.incrementAndGet();
                    noteSuccess(r, t, route, res);
                    MAILLOG.info("delivered id={} to=<{}> via={} dest={} {}", e.id, t.route().finalAddress(),
                            route.transport(), route.destination(), DsnBuilder.clean(res.diagnostic()));
                }
                case FAILED -> {
                    boolean expansionMember = !t.route().finalAddress().equals(t.original().address());
                    if (expansionMember) {
                        // one member of a list failed: the others still get it; no report to the sender
                        r.done.add(t.route().finalAddress().toString());
                    } else {
                        fail(r, res.enhancedCode(), res.diagnostic(), res.remoteHost());
                    }
                    MAILLOG.info("bounced id={} to=<{}> via={} status={} reason={}", e.id,
                            t.route().finalAddress(), route.transport(), res.enhancedCode(),
                            DsnBuilder.clean(res.diagnostic()));
                }
                case RETRY -> {
                    s.lastError = res.enhancedCode() + " " + res.diagnostic();
                    deferred.incrementAndGet();
                    MAILLOG.info("deferred id={} to=<{}> via={} status={} reason={}", e.id,
                            t.route().finalAddress(), route.transport(), res.enhancedCode(),
                            DsnBuilder.clean(res.diagnostic()));
                }
            }
        }
    }

    /**
     * Remembers what to tell a sender who asked for NOTIFY=SUCCESS: "delivered" after local
     * delivery, "relayed" where the next hop will not report. A hop that took the request
     * over (DELIVERED on another transport) reports itself. Members of an alias or list
     * expansion get no notice of their own (their envelope recipient is not theirs).
     */
    private static void noteSuccess(MessageState.Rcpt r, Target t, Route route, RecipientResult res) {
        if (!t.original().notifyOn().contains(DsnNotify.SUCCESS)
                || !t.route().finalAddress().equals(t.original().address())) {
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
        r.code = code != null ? code : "5.0.0";
        r.diagnostic = diagnostic;
        r.remoteHost = remoteHost;
        failed.incrementAndGet();
    }

    private void finishAttempt(Entry e, boolean onlyMissingAgents) throws IOException {
        MessageState s = e.state;
        long now = System.currentTimeMillis();
        long arrival = e.envelope.origin().received().toEpochMilli();
        if (!s.finished() && now - arrival > maxLifetime.toMillis()) {
            for (MessageState.Rcpt r : s.rcpts) {
                if (r.status == MessageState.Status.PENDING) {
                    fail(r, "4.4.7", "message expired after " + config.maxLifetime() + ": " + s.lastError, null);
                }
            }
        }
        notifySuccesses(e);
        if (s.finished()) {
            notifyFailures(e);
            entries.remove(e.id);
            spool.remove(e.id);
            MAILLOG.info("removed id={}", e.id);
            return;
        }
        if (!s.delayNotified && now - arrival > delayWarning.toMillis()) {
            notifyDelay(e);
            s.delayNotified = true;
        }
        Duration wait = onlyMissingAgents ? agentWait
                : schedule.get(Math.min(s.attempts - 1, schedule.size() - 1));
        s.nextAttempt = now + wait.toMillis();
        spool.writeState(e.id, s);
        schedule(e, wait.toMillis());
    }

    // --- delivery status notifications ---

    private void notifyFailures(Entry e) {
        List<DsnBuilder.Line> lines = new ArrayList<>();
        for (int i = 0; i < e.state.rcpts.size(); i++) {
            MessageState.Rcpt r = e.state.rcpts.get(i);
            Recipient rcpt = e.envelope.recipients().get(i);
            if (r.status == MessageState.Status.FAILED && rcpt.wantsFailureNotice()) {
                lines.add(new DsnBuilder.Line(rcpt, "failed", r.code, r.diagnostic, r.remoteHost));
            }
        }
        report(e, DsnBuilder.Kind.FAILED, lines);
    }

    /** Success notices as soon as the recipients they are about are done, each sent once. */
    private void notifySuccesses(Entry e) {
        List<DsnBuilder.Line> lines = new ArrayList<>();
        for (int i = 0; i < e.state.rcpts.size(); i++) {
            MessageState.Rcpt r = e.state.rcpts.get(i);
            if (r.success != null && !r.successNotified) {
                lines.add(new DsnBuilder.Line(e.envelope.recipients().get(i), r.success, r.code, r.diagnostic,
                        r.remoteHost));
                r.successNotified = true;
            }
        }
        report(e, DsnBuilder.Kind.SUCCESS, lines);
    }

    private void notifyDelay(Entry e) {
        List<DsnBuilder.Line> lines = new ArrayList<>();
        for (int i = 0; i < e.state.rcpts.size(); i++) {
            MessageState.Rcpt r = e.state.rcpts.get(i);
            Recipient rcpt = e.envelope.recipients().get(i);
            if (r.status == MessageState.Status.PENDING && rcpt.wantsDelayNotice()) {
                lines.add(new DsnBuilder.Line(rcpt, "delayed", "4.4.7", e.state.lastError, null));
            }
        }
        report(e, DsnBuilder.Kind.DELAYED, lines);
    }

    private void report(Entry e, DsnBuilder.Kind kind, List<DsnBuilder.Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        if (e.envelope.isNullSender()) {
            MAILLOG.info("dropped {} notice id={}: the sender is <> (no bounce for a bounce)", kind, e.id);
            return;
        }
        Envelope dsn = Envelope.of(null, List.of(e.envelope.sender()), Origin.local("local"));
        Instant arrival = e.envelope.origin().received();
        try (Submission sub = begin(dsn)) {
            DsnBuilder.write(sub.content(), kind, e.id, e.envelope, arrival, lines, spool.content(e.id,
                    e.contentOffset), serverName, config.mailerDaemon(),
                    arrival.plus(maxLifetime));
            QueueId id = sub.commit();
            MAILLOG.info("sent {} notice id={} for id={} to=<{}>", kind, id, e.id, e.envelope.sender());
        } catch (IOException | QueueException ex) {
            LOG.error("Cannot queue the {} notice for {}: {}", kind, e.id, ex.getMessage());
        }
    }

    // --- administration (queue: commands) ---

    List<Entry> entries() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparing(x -> x.id.value()));
        return list;
    }

    Entry entry(String id) {
        Entry e = entries.get(new QueueId(id));
        if (e == null) {
            throw new IllegalArgumentException("no message " + id + " in the queue");
        }
        return e;
    }

    MessageContent content(Entry e) throws IOException {
        return spool.content(e.id, e.contentOffset);
    }

    void retryNow(Entry e) {
        if (!e.state.held) {
            schedule(e, 0);
        }
    }

    int flush() {
        int n = 0;
        for (Entry e : entries.values()) {
            if (!e.state.held) {
                schedule(e, 0);
                n++;
            }
        }
        return n;
    }

    void hold(Entry e, boolean held) throws IOException {
        synchronized (e) {
            e.state.held = held;
            spool.writeState(e.id, e.state);
        }
        if (!held) {
            schedule(e, 0);
        }
    }

    void delete(Entry e) throws IOException {
        ScheduledFuture<?> t = e.timer;
        if (t != null) {
            t.cancel(false);
        }
        entries.remove(e.id);
        spool.remove(e.id);
        MAILLOG.info("deleted id={} by the administrator", e.id);
    }

    /** Fails every pending recipient now, with a DSN to the sender. */
    void bounce(Entry e) throws IOException {
        synchronized (e) {
            for (MessageState.Rcpt r : e.state.rcpts) {
                if (r.status == MessageState.Status.PENDING) {
                    fail(r, "5.0.0", "returned to sender by the administrator", null);
                }
            }
        }
        notifyFailures(e);
        delete(e);
    }

    long[] stats() {
        return new long[] {entries.size(), accepted.get(), delivered.get(), deferred.get(), failed.get()};
    }

    RecipientRouter router() {
        return router;
    }
}
