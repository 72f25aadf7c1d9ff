package org.postrider.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import org.postrider.api.directory.Directory;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Submission;
import org.postrider.api.store.MailStore;
import org.postrider.api.track.MessageTracking;
import org.postrider.api.track.TrackEvent;
import org.postrider.kit.text.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The queue component: binds the agents and services delivery needs, takes submissions,
 * recovers the spool at start and schedules attempts. Accepted messages are durable in the
 * spool before {@link Submission#commit} returns; each is then attempted at once and, while
 * recipients remain, again on the retry schedule ({@link DeliveryAttempt}). Each message
 * is its own state machine ({@link QueuedMessage}): attempts and administrators' commands
 * take turns on it. Mail deferred because a service of ours was absent (the directory, the
 * store, a transport's agent during an update) is retried as soon as that service returns.
 * A committed message whose spool file cannot be read is never ignored: it is listed as
 * unreadable, with the reason, until an administrator repairs or deletes it.
 */
@Component(service = {MailQueue.class, CoreQueue.class, MessageTracking.class},
        configurationPid = "org.postrider.core.queue")
@Designate(ocd = CoreQueue.Config.class)
public class CoreQueue implements MailQueue, MessageTracking {
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

        @AttributeDefinition(description = "Message-tracking journal directory")
        String tracking() default "data/track";

        @AttributeDefinition(description = "Days of message tracking kept; 0 turns it off")
        int trackingDays() default 7;

        @AttributeDefinition(description = "Most the tracking journal may hold, in MiB; the oldest days go first")
        int maxTrackingMiB() default 1024;
    }

    /** A committed message the queue cannot read back (a damaged file): listed, never attempted. */
    record Unreadable(QueueId id, String reason) {
    }

    private final RecipientRouter router;
    private final String serverName;
    private final Map<QueueId, QueuedMessage> entries = new ConcurrentHashMap<>();
    /** Notices committed but not scheduled until their message's state says they were sent. */
    private final Map<QueueId, QueuedMessage> parked = new ConcurrentHashMap<>();
    private final Map<QueueId, Unreadable> unreadable = new ConcurrentHashMap<>();
    private final AgentRegistry agents = new AgentRegistry();
    private final QueueCounters counters = new QueueCounters();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "queue-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 0).factory());
    private final DeliveryAttempt attempts;
    private final Notices notices;
    private final TrackJournal tracking;
    private volatile Config config;
    private volatile Spool spool;
    private volatile boolean stopping;
    private volatile List<Duration> schedule;
    private volatile Duration delayWarning;
    private volatile Duration maxLifetime;
    private volatile Duration agentWait;

    @Activate
    public CoreQueue(BundleContext context, @Reference RecipientRouter router, Config config) throws IOException {
        this.router = router;
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
        this.attempts = new DeliveryAttempt(router::route, agents, this::content, m -> spool.properties(m.id), counters,
                () -> this.config.concurrency(), () -> this.config.destinationConcurrency());
        this.notices = new Notices(new Notices.Sink() {
            @Override
            public CoreSubmission beginParked(Envelope envelope, QueueId id) throws QueueException {
                return CoreQueue.this.begin(envelope, id, false);
            }

            @Override
            public void writeState(QueuedMessage m) throws IOException {
                spool.writeState(m.id, m.state);
            }

            @Override
            public MessageContent content(QueuedMessage m) throws IOException {
                return CoreQueue.this.content(m);
            }
        }, serverName);
        this.tracking = new TrackJournal(Path.of(config.tracking()).toAbsolutePath(), serverName,
                Math.max(0, config.trackingDays()), trackingBytes(config), Clock.systemUTC());
        configure(config);
        attempts.tracking(tracking);
        notices.tracking(tracking);
        // a sender retries for its maximum lifetime (as ours, by assumption) from its own acceptance
        this.spool = new Spool(Path.of(config.spool()).toAbsolutePath(), maxLifetime.plus(Duration.ofDays(1)));
        recover();
    }

    @Modified
    void configure(Config c) {
        this.schedule = Durations.list(c.retrySchedule());
        this.delayWarning = Durations.parse(c.delayWarning());
        this.maxLifetime = Durations.parse(c.maxLifetime());
        this.agentWait = Durations.parse(c.agentWait());
        this.config = c;
        attempts.limitsChanged();
        tracking.configure(Path.of(c.tracking()).toAbsolutePath(), Math.max(0, c.trackingDays()), trackingBytes(c));
    }

    private static long trackingBytes(Config c) {
        return Math.max(1, c.maxTrackingMiB()) * 1024L * 1024L;
    }

    /**
     * Reads every committed message, settles notices a crash left half-sent, then schedules.
     * Settling comes first: a notice must not be delivered (and removed) before the message
     * it reports on has been checked for it.
     */
    private void recover() throws IOException {
        spool.removeOrphans();
        List<QueuedMessage> found = new ArrayList<>();
        for (QueueId id : spool.committed()) {
            try {
                SpoolFormat.Parsed p = spool.readHeader(id);
                MessageState s = spool.readState(id, p.envelope().recipients().size());
                QueuedMessage m = new QueuedMessage(id, p.envelope(), p.contentOffset(), s);
                m.messageId = recoveredMessageId(m);
                found.add(m);
            } catch (IOException e) {
                unreadable.put(id, new Unreadable(id, e.getMessage()));
                LOG.error("Queued message {} cannot be read: {}; held, see queue:list", id, e.getMessage());
            }
        }
        for (QueuedMessage m : found) {
            try {
                if (settleNotices(m)) {
                    continue;
                }
            } catch (IOException e) {
                // settled in memory; the next state write records it
                LOG.error("Cannot record the notices of {} settled at start: {}", m.id, e.getMessage());
            }
            entries.put(m.id, m);
        }
        for (QueuedMessage m : entries.values()) {
            if (!m.state.held) {
                m.scheduleAttempt(Math.max(0, m.state.nextAttempt - System.currentTimeMillis()), timer, workers,
                        this::attempt);
            }
        }
        LOG.info("Queue recovered {} messages from {}{}", entries.size(), config.spool(),
                unreadable.isEmpty() ? "" : "; " + unreadable.size() + " unreadable, held");
    }

    /** Header octets read back for a recovered message's Message-ID (a header past this has it early, or not at all). */
    private static final int RECOVERY_HEADER_LIMIT = 64 * 1024;

    /** The Message-ID of a message recovered at start, so its later events stay findable by it. */
    private String recoveredMessageId(QueuedMessage m) {
        if (!tracking.enabled()) {
            return null;
        }
        try (InputStream in = content(m).open()) {
            return HopCounter.messageIdOf(in, RECOVERY_HEADER_LIMIT);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read the Message-ID of {}: {}", m.id, e.getMessage());
            return null; // tracked by queue id alone; delivery reports a damaged file on its own
        }
    }

    /** Confirms or drops the notices a crash left pending; true when the message is done with. */
    private boolean settleNotices(QueuedMessage m) throws IOException {
        if (m.state.pendingNotices.isEmpty()) {
            return false;
        }
        for (DsnBuilder.Kind kind : List.copyOf(m.state.pendingNotices.keySet())) {
            if (spool.contains(new QueueId(m.state.pendingNotices.get(kind)))) {
                m.state.noticeSent(kind);
                if (kind == DsnBuilder.Kind.FAILED) {
                    m.failureNoticeQueued = true;
                    spool.remove(m.id);
                    MAILLOG.info("removed id={} (its failure notice was queued before a restart)", m.id);
                    return true;
                }
            } else {
                m.state.pendingNotices.remove(kind); // never committed: it will be sent again
            }
        }
        spool.writeState(m.id, m.state);
        return false;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        timer.shutdownNow();
        workers.shutdown();
        // Attempts in flight may finish; what they leave is on disk and will be retried.
        if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
            workers.shutdownNow();
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Delivery attempts still running after the queue stopped; they end with the next start");
            }
        }
        spool.close();
        tracking.close();
        LOG.info("Queue stopped with {} messages waiting", entries.size());
    }

    // --- what delivery needs (dynamic: bundles come and go while mail waits) ---

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAgent(DeliveryAgent agent, Map<String, Object> props) {
        if (agent instanceof Gateway g) {
            addGateway(g, props); // registered the first release's way, as a DeliveryAgent too: same binding
            return;
        }
        Object transport = props.get(DeliveryAgent.TRANSPORT);
        if (transport == null) {
            LOG.warn("Delivery agent {} has no {} property; ignored", agent, DeliveryAgent.TRANSPORT);
            return;
        }
        bind(transport.toString(), agent, props);
    }

    /** A gateway is the agent of transport "gateway:ID"; it registers as a Gateway only. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedGateway")
    void addGateway(Gateway gateway, Map<String, Object> props) {
        String id;
        try {
            id = gateway.id();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Gateway {} gives no id ({}); ignored", gateway, e.toString());
            return;
        }
        bind("gateway:" + id, gateway, props);
    }

    void removeGateway(Gateway gateway, Map<String, Object> props) {
        agents.remove(gateway);
    }

    /** A configuration change may change the gateway's id: bind it again under the id it has now. */
    void updatedGateway(Gateway gateway, Map<String, Object> props) {
        agents.remove(gateway);
        addGateway(gateway, props);
    }

    private void bind(String transport, DeliveryAgent agent, Map<String, Object> props) {
        Object ranking = props.get(Constants.SERVICE_RANKING);
        if (agents.add(transport, new AgentRegistry.Ref(agent, ranking instanceof Integer i ? i : 0,
                (Long) props.get(Constants.SERVICE_ID)))) {
            LOG.info("Delivery agent for transport {} bound", transport);
            serviceReturned();
        }
    }

    void removeAgent(DeliveryAgent agent, Map<String, Object> props) {
        agents.remove(agent);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDirectory(Directory d) {
        serviceReturned();
    }

    void removeDirectory(Directory d) {
        // mail waits; the attempt that finds it missing says so
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStore(MailStore s) {
        serviceReturned();
    }

    void removeStore(MailStore s) {
        // as for the directory
    }

    /**
     * A service came (back): mail that waited for a missing one is tried now, not at its next
     * retry. A moment later, in fact: SCR binds the new service to its other consumers (the
     * local agent's store, the router's directory) in the same event, in no set order, so
     * an attempt started from inside this bind could still find them unbound.
     */
    private void serviceReturned() {
        try {
            timer.schedule(this::retryWaiting, SERVICE_SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the queue is stopping
        }
    }

    private static final long SERVICE_SETTLE_MILLIS = 500;

    private void retryWaiting() {
        for (QueuedMessage m : entries.values()) {
            if (m.waitingFor != null && !m.state.held) {
                m.requestAttempt(workers, this::attempt);
            }
        }
    }

    // --- submission ---

    @Override
    public Submission begin(Envelope envelope) throws QueueException {
        return begin(envelope, QueueIds.next(), true);
    }

    @Override
    public Submission begin(Envelope envelope, String idempotencyKey) throws QueueException {
        if (!IdempotencyKeys.valid(idempotencyKey)) {
            throw new IllegalArgumentException("an idempotency key is 1 to 255 printable ASCII characters");
        }
        return begin(envelope, QueueIds.next(), true, idempotencyKey);
    }

    @Override
    public java.util.Optional<QueueId> committedWith(String idempotencyKey) {
        return spool.committedWith(idempotencyKey);
    }

    CoreSubmission begin(Envelope envelope, QueueId id, boolean scheduleOnCommit) throws QueueException {
        return begin(envelope, id, scheduleOnCommit, null);
    }

    private CoreSubmission begin(Envelope envelope, QueueId id, boolean scheduleOnCommit, String key)
            throws QueueException {
        try {
            Spool.Writer w = spool.begin(id, envelope, TraceHeader.received(envelope, id, serverName), key);
            return new CoreSubmission(this, w, config.maxHops(), scheduleOnCommit);
        } catch (Spool.UnspoolableEnvelope e) {
            LOG.error("Refused an envelope the spool cannot hold: {}", e.getMessage());
            throw new QueueException("5.3.0 the queue cannot hold this envelope", true);
        } catch (IOException e) {
            throw new QueueException("4.3.0 cannot write to the queue: " + e.getMessage(), e);
        }
    }

    /** Called by a committed submission: the message is durable; it is scheduled now or parked. */
    void accepted(Spool.Writer w, boolean schedule) {
        QueuedMessage m = new QueuedMessage(w.id, w.envelope, w.contentOffset,
                MessageState.fresh(w.envelope.recipients().size()));
        m.messageId = w.content.messageId();
        counters.accepted.incrementAndGet();
        Origin o = w.envelope.origin();
        tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.ACCEPTED, null, o.protocol(),
                o.orgServer() != null ? o.orgServer() : o.clientAddress(),
                "from=<" + nullable(w.envelope.sender()) + "> nrcpt=" + w.envelope.recipients().size()
                        + (o.authenticatedUser() != null ? " user=" + o.authenticatedUser() : ""));
        MAILLOG.info("queued id={} from=<{}> nrcpt={} proto={}", m.id, nullable(m.envelope.sender()),
                m.envelope.recipients().size(), m.envelope.origin().protocol());
        if (schedule) {
            entries.put(m.id, m);
            m.requestAttempt(workers, this::attempt);
        } else {
            parked.put(m.id, m);
        }
    }

    private static String nullable(Object o) {
        return o == null ? "" : o.toString();
    }

    // --- attempts ---

    /** One attempt, in the message's turn. */
    private void attempt(QueuedMessage m) {
        if (m.state.held || entries.get(m.id) != m || stopping) {
            return;
        }
        MDC.put("queueId", m.id.value());
        try {
            DeliveryAttempt.Outcome o = attempts.run(m, q -> spool.writeState(q.id, q.state));
            try {
                m.waitingFor = o.waitingFor();
                finishAttempt(m, o.waitingFor() != null);
            } finally {
                o.release();
            }
        } catch (InterruptedException ie) {
            if (!stopping) {
                LOG.warn("Delivery attempt of {} interrupted; will retry", m.id);
                m.scheduleAttempt(schedule.get(0).toMillis(), timer, workers, this::attempt);
            }
        } catch (Exception | Error ex) {
            // whatever an agent threw (a StackOverflowError too): without a next attempt the
            // message would sit unsent, never retried nor expired, until a restart
            LOG.error("Delivery attempt of {} failed unexpectedly; will retry", m.id, ex);
            m.scheduleAttempt(schedule.get(0).toMillis(), timer, workers, this::attempt);
        } finally {
            MDC.remove("queueId");
        }
    }

    private void finishAttempt(QueuedMessage m, boolean waitingForService) throws IOException {
        MessageState s = m.state;
        long now = System.currentTimeMillis();
        long arrival = m.envelope.origin().received().toEpochMilli();
        if (!s.finished() && now - arrival > maxLifetime.toMillis()) {
            attempts.failPending(s, "4.4.7", "message expired after " + config.maxLifetime() + ": " + s.lastError);
        }
        boolean successDue = !sendNotice(m, DsnBuilder.Kind.SUCCESS, Notices.successes(m));
        if (s.finished() && !successDue) {
            finish(m);
            return;
        }
        if (!s.delayNotified && !s.finished() && now - arrival > delayWarning.toMillis()) {
            sendNotice(m, DsnBuilder.Kind.DELAYED, Notices.delays(m));
        }
        Duration wait = waitingForService ? agentWait
                : schedule.get(Math.min(Math.max(0, s.attempts - 1), schedule.size() - 1));
        s.nextAttempt = now + wait.toMillis();
        spool.writeState(m.id, s);
        unparkNotices(m);
        m.scheduleAttempt(wait.toMillis(), timer, workers, this::attempt);
    }

    /**
     * Sends a notice by the steps {@link Notices} describes and records it in the state (also
     * when there was nothing to send); false when it could not be queued and is due still.
     * The notice stays parked until the state that records it is on disk.
     */
    private boolean sendNotice(QueuedMessage m, DsnBuilder.Kind kind, List<DsnBuilder.Line> lines)
            throws IOException {
        QueueId id;
        try {
            id = notices.prepare(m, kind, lines, maxLifetime, config.mailerDaemon());
        } catch (IOException e) {
            Notices.log(e, m);
            return false;
        }
        m.state.noticeSent(kind);
        if (id != null) {
            m.parkedNotices.add(id);
            spool.writeState(m.id, m.state);
            unparkNotices(m);
        }
        return true;
    }

    /** Step 4 of a notice: the message it reports on has recorded it durably; deliver it now. */
    private void unparkNotices(QueuedMessage m) {
        for (QueueId id : m.parkedNotices) {
            QueuedMessage notice = parked.remove(id);
            if (notice != null) {
                entries.put(notice.id, notice);
                notice.requestAttempt(workers, this::attempt);
            }
        }
        m.parkedNotices.clear();
    }

    /** A finished message: its failure notice (if any) is queued, then it leaves the spool. */
    private void finish(QueuedMessage m) throws IOException {
        if (!m.failureNoticeQueued) {
            QueueId notice;
            try {
                notice = notices.prepare(m, DsnBuilder.Kind.FAILED, Notices.failures(m), maxLifetime,
                        config.mailerDaemon());
            } catch (IOException e) {
                Notices.log(e, m);
                m.state.nextAttempt = System.currentTimeMillis() + schedule.get(0).toMillis();
                spool.writeState(m.id, m.state);
                m.scheduleAttempt(schedule.get(0).toMillis(), timer, workers, this::attempt);
                return;
            }
            m.failureNoticeQueued = true;
            if (notice != null) {
                m.parkedNotices.add(notice);
            }
        }
        spool.remove(m.id); // if this fails, the attempt is retried and finishes again, without a new notice
        m.markRemoved();
        unparkNotices(m); // before the message leaves the entries: the queue is never seen empty between
        entries.remove(m.id);
        MAILLOG.info("removed id={}", m.id);
        tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.REMOVED, null, null, null, "delivered or returned");
    }

    // --- message tracking ---

    @Override
    public List<TrackEvent> find(String messageId, int limit) {
        return tracking.find(messageId, Math.max(0, limit));
    }

    String serverName() {
        return serverName;
    }

    /** Whether an agent serves the transport now. */
    boolean agentBound(String transport) {
        return agents.agent(transport) != null;
    }

    String mailerDaemon() {
        return config.mailerDaemon();
    }

    /** Records a late non-delivery report a gateway asked for, under the report's own queue id. */
    void trackLateReport(QueueId report, String recipient, String detail) {
        tracking.record(report.value(), null, TrackEvent.Kind.NOTICE, recipient, null, null, detail);
    }

    // --- administration (queue: commands) ---

    List<QueuedMessage> entries() {
        List<QueuedMessage> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparing(x -> x.id.value()));
        return list;
    }

    List<Unreadable> unreadable() {
        List<Unreadable> list = new ArrayList<>(unreadable.values());
        list.sort(Comparator.comparing(x -> x.id().value()));
        return list;
    }

    QueuedMessage entry(String id) {
        QueuedMessage m = entries.get(queueId(id));
        if (m == null) {
            throw new IllegalArgumentException(unreadable.containsKey(queueId(id))
                    ? id + " is unreadable: " + unreadable.get(queueId(id)).reason()
                            + " (repair its spool file and queue:release it, or queue:delete it)"
                    : "no message " + id + " in the queue");
        }
        return m;
    }

    private static QueueId queueId(String id) {
        try {
            return new QueueId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a queue id: " + id);
        }
    }

    MessageContent content(QueuedMessage m) throws IOException {
        return spool.content(m.id, m.contentOffset);
    }

    /** How long an administrator's command waits for a running attempt before it is queued behind it. */
    private static final long ADMIN_WAIT_MILLIS = 2000;

    /** Runs an administrator's action in the message's turn; the answer says whether it ran already. */
    private String administer(QueuedMessage m, String done, AdminAction action) {
        Runnable r = () -> {
            if (m.removed()) {
                return;
            }
            try {
                action.run();
            } catch (IOException e) {
                LOG.error("Administrative action on {} failed: {}", m.id, e.getMessage());
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            return m.inTurnSoon(r, ADMIN_WAIT_MILLIS, workers) ? done
                    : done + " once the attempt in progress ends";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private interface AdminAction {
        void run() throws IOException;
    }

    String retryNow(QueuedMessage m) {
        if (m.state.held) {
            return m.id + " is held; queue:release it first";
        }
        m.requestAttempt(workers, this::attempt);
        return m.id + " scheduled now";
    }

    int flush() {
        int n = 0;
        for (QueuedMessage m : entries.values()) {
            if (!m.state.held) {
                m.requestAttempt(workers, this::attempt);
                n++;
            }
        }
        return n;
    }

    String hold(QueuedMessage m, boolean held) {
        return administer(m, m.id + (held ? " held" : " released"), () -> {
            m.state.held = held;
            spool.writeState(m.id, m.state);
            if (held) {
                m.cancelTimer();
            } else {
                m.requestAttempt(workers, this::attempt);
            }
        });
    }

    String delete(QueuedMessage m) {
        return administer(m, m.id + " deleted", () -> remove(m, "deleted id={} by the administrator"));
    }

    private void remove(QueuedMessage m, String log) throws IOException {
        spool.remove(m.id);
        m.markRemoved();
        unparkNotices(m); // before the message leaves the entries: the queue is never seen empty between
        entries.remove(m.id);
        MAILLOG.info(log, m.id);
        tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.REMOVED, null, null, null,
                "by the administrator");
    }

    /** Fails every pending recipient now, with one failure notice to the sender. */
    String bounce(QueuedMessage m) {
        return administer(m, m.id + " returned to sender", () -> {
            attempts.failPending(m.state, "5.0.0", "returned to sender by the administrator");
            finish(m);
        });
    }

    /** Deletes an unreadable message's files, or tries to read it again after a repair. */
    String deleteUnreadable(String id) throws IOException {
        Unreadable u = unreadable.remove(queueId(id));
        if (u == null) {
            return null;
        }
        spool.remove(u.id());
        MAILLOG.info("deleted unreadable id={} by the administrator", u.id());
        return id + " deleted";
    }

    String rereadUnreadable(String id) {
        QueueId qid = queueId(id);
        if (!unreadable.containsKey(qid)) {
            return null;
        }
        try {
            SpoolFormat.Parsed p = spool.readHeader(qid);
            MessageState s = spool.readState(qid, p.envelope().recipients().size());
            QueuedMessage m = new QueuedMessage(qid, p.envelope(), p.contentOffset(), s);
            unreadable.remove(qid);
            if (!settleNotices(m)) {
                entries.put(qid, m);
                if (!s.held) {
                    m.requestAttempt(workers, this::attempt);
                }
            }
            return id + " is readable again and scheduled";
        } catch (IOException e) {
            unreadable.put(qid, new Unreadable(qid, e.getMessage()));
            return id + " is still unreadable: " + e.getMessage();
        }
    }

    long[] stats() {
        return new long[] {entries.size(), counters.accepted.get(), counters.delivered.get(),
            counters.deferred.get(), counters.failed.get(), unreadable.size()};
    }

    RecipientRouter router() {
        return router;
    }
}
