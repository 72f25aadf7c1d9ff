package org.postrider.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.org.OrgServer;
import org.postrider.api.org.Organisation;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.track.RemoteTracking;
import org.postrider.api.track.TrackEvent;
import org.postrider.internal.proto.Ack;
import org.postrider.internal.proto.Begin;
import org.postrider.internal.proto.Nack;
import org.postrider.internal.proto.Track;
import org.postrider.kit.text.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code internal} delivery agent: the destination is a server name of the
 * organisation; its messages go over one link to that server, kept open and reused by
 * every delivery to it (pipelined), opened again after a failure with a growing backoff.
 * A recipient the peer queued is done here (DELIVERED: the peer took over the DSN request,
 * NOTIFY, ORCPT, RET and ENVID travel with it); its refusals come back as retry or failure.
 */
@Component(service = {DeliveryAgent.class, InternalDelivery.class, RemoteTracking.class},
        property = DeliveryAgent.TRANSPORT + "=internal")
public class InternalDelivery implements DeliveryAgent, RemoteTracking {
    private static final Logger LOG = LoggerFactory.getLogger(InternalDelivery.class);

    private final InternalService service;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "internal-link-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final Duration linkIdle;
    private final Duration maxBackoff;

    /** One peer: its link, if any, and the reconnect backoff. */
    static final class Peer {
        /** Not a monitor: connecting and authenticating happen under it, and virtual threads must not pin (JDK 21-23). */
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        final String name;
        Link link;
        long retryAt;
        long backoff;
        String lastError;
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong deferred = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong connects = new AtomicLong();

        Peer(String name) {
            this.name = name;
        }
    }

    @Activate
    public InternalDelivery(@Reference InternalService service) {
        this.service = service;
        this.linkIdle = Durations.parse(service.config().linkIdle());
        this.maxBackoff = Durations.parse(service.config().reconnectBackoff());
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
        for (Peer p : peers.values()) {
            p.lock.lock();
            try {
                if (p.link != null) {
                    p.link.close();
                }
            } finally {
                p.lock.unlock();
            }
        }
    }

    /** Closes links unused for linkIdle, and links whose peer stopped taking data or answering. */
    private void sweep() {
        long now = System.currentTimeMillis();
        long answer = Durations.parse(service.config().answerTimeout()).toMillis();
        for (Peer p : peers.values()) {
            Link l;
            p.lock.lock();
            try {
                l = p.link;
            } finally {
                p.lock.unlock();
            }
            if (l == null) {
                continue;
            }
            if (l.stalledSince(now - answer)) {
                l.fail("no progress for " + service.config().answerTimeout());
            } else if (l.idleSince(now - linkIdle.toMillis())) {
                l.close();
            }
        }
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) throws Exception {
        List<Recipient> rcpts = d.envelope().recipients();
        Organisation org = service.organisation();
        if (org == null) {
            return all(rcpts, DeliveryStatus.RETRY, "4.3.0", "the organisation registry is not available", null);
        }
        Optional<OrgServer> target = org.server(d.destination());
        if (target.isEmpty()) {
            return all(rcpts, DeliveryStatus.RETRY, "4.4.0", "server " + d.destination()
                    + " is not in the organisation registry (org.postrider.org servers)", null);
        }
        OrgServer server = target.get();
        if (server.name().equals(service.serverName())) {
            return all(rcpts, DeliveryStatus.RETRY, "4.3.5", "routed to this server itself over the internal "
                    + "transport (check the Directory's home server and org.postrider.org)", null);
        }
        Peer peer = peers.computeIfAbsent(server.name(), Peer::new);
        Link link;
        try {
            link = link(peer, server, org);
        } catch (IOException | GeneralSecurityException e) {
            peer.deferred.incrementAndGet();
            return all(rcpts, DeliveryStatus.RETRY, "4.4.1", "cannot reach server " + server.name() + " ("
                    + server.host() + ":" + server.port() + "): " + e.getMessage(), server.name());
        }
        return deliver(d, peer, server, link);
    }

    /**
     * One BEGIN for the delivery's recipients, or several: at most {@link Begin#MAX_RECIPIENTS}
     * each and no larger than the peer's frames. A part is never cut by position in the list of
     * pending recipients (which changes between attempts as other parts succeed, expire or are
     * rerouted) but by the recipients' own hashes: a part is the pending recipients whose
     * address hash starts with the same bits, split one bit further while it does not fit.
     * So a part whose answer was lost is sent again with the same recipients, the same
     * transfer id (the hash of its recipients), whatever became of the others, and recognised.
     * A message that cannot be sent as it is fails alone; the shared link goes on.
     */
    private List<RecipientResult> deliver(Delivery d, Peer peer, OrgServer server, Link link)
            throws InterruptedException {
        return deliver(d, 0, peer, server, link);
    }

    /** @param bits how many leading bits of the recipients' hashes this part's recipients share */
    private List<RecipientResult> deliver(Delivery d, int bits, Peer peer, OrgServer server, Link link)
            throws InterruptedException {
        List<Recipient> rcpts = d.envelope().recipients();
        if (rcpts.size() > Begin.MAX_RECIPIENTS) {
            return split(d, bits, peer, server, link);
        }
        Begin begin = begin(d, service.serverName());
        Object answer;
        try {
            answer = link.transfer(begin, d.content());
        } catch (Link.TooLarge e) {
            if (d.envelope().properties() != null) {
                // the set is the envelope's extra, the message is what must go: without it first
                LOG.info("{}: its property set ({} octets) does not fit a BEGIN to {}; sent without it", d.queueId(),
                        d.envelope().properties().size(), server.name());
                return deliver(new Delivery(d.queueId(), d.envelope().withProperties(null), d.content(),
                        d.destination(), d.attempt()), bits, peer, server, link);
            }
            if (rcpts.size() == 1) {
                peer.failed.incrementAndGet();
                return all(rcpts, DeliveryStatus.FAILED, "5.3.4", "cannot be sent to " + server.name() + ": "
                        + e.getMessage(), server.name());
            }
            return split(d, bits, peer, server, link);
        } catch (Link.ContentFailure e) {
            peer.deferred.incrementAndGet();
            return all(rcpts, DeliveryStatus.RETRY, "4.3.0", "the queued message could not be read: "
                    + e.getCause().getMessage(), server.name());
        } catch (IOException e) {
            peer.deferred.incrementAndGet();
            return all(rcpts, DeliveryStatus.RETRY, "4.4.2", "link to " + server.name() + " failed: " + e.getMessage(),
                    server.name());
        }
        if (answer instanceof Nack n) {
            (n.permanent() ? peer.failed : peer.deferred).incrementAndGet();
            return all(rcpts, n.permanent() ? DeliveryStatus.FAILED : DeliveryStatus.RETRY, n.enhancedStatus(),
                    server.name() + " said: " + n.text(), server.name());
        }
        Ack ack = (Ack) answer;
        if (ack.results().size() != rcpts.size()) {
            link.fail("ACK with " + ack.results().size() + " results for " + rcpts.size() + " recipients");
            return all(rcpts, DeliveryStatus.RETRY, "4.4.2", server.name() + " answered for another recipient count",
                    server.name());
        }
        List<RecipientResult> out = new ArrayList<>(rcpts.size());
        for (int i = 0; i < rcpts.size(); i++) {
            Ack.Result r = ack.results().get(i);
            DeliveryStatus st = switch (r.status()) {
                case Ack.ACCEPTED -> DeliveryStatus.DELIVERED;
                case Ack.TEMPORARY -> DeliveryStatus.RETRY;
                default -> DeliveryStatus.FAILED;
            };
            (st == DeliveryStatus.DELIVERED ? peer.delivered : st == DeliveryStatus.RETRY ? peer.deferred
                    : peer.failed).incrementAndGet();
            String text = st == DeliveryStatus.DELIVERED
                    ? "queued as " + ack.queueId() + " on " + server.name() + (ack.duplicate() ? " (earlier)" : "")
                    : server.name() + " said: " + r.text();
            out.add(new RecipientResult(rcpts.get(i), st, r.enhancedStatus(), text, server.name()));
        }
        return out;
    }

    /**
     * The part's recipients in two by the next bit of their hashes, each half delivered (an
     * empty half is no BEGIN); the same address listed twice has one hash: past the last bit
     * the part is halved by position.
     */
    private List<RecipientResult> split(Delivery d, int bits, Peer peer, OrgServer server, Link link)
            throws InterruptedException {
        List<Recipient> rcpts = d.envelope().recipients();
        if (bits >= PART_HASH_BITS) {
            int half = rcpts.size() / 2;
            List<RecipientResult> out = new ArrayList<>(deliver(part(d, rcpts.subList(0, half)), bits, peer, server,
                    link));
            out.addAll(deliver(part(d, rcpts.subList(half, rcpts.size())), bits, peer, server, link));
            return out;
        }
        List<Recipient> zero = new ArrayList<>();
        List<Recipient> one = new ArrayList<>();
        for (Recipient r : rcpts) {
            (partBit(r, bits) ? one : zero).add(r);
        }
        List<RecipientResult> out = new ArrayList<>(rcpts.size());
        for (List<Recipient> half : List.of(zero, one)) {
            if (!half.isEmpty()) {
                out.addAll(deliver(half.size() == rcpts.size() ? d : part(d, half), bits + 1, peer, server, link));
            }
        }
        return out;
    }

    private static final int PART_HASH_BITS = 256;

    /** Bit {@code n} of the SHA-256 of the recipient's address: which part it goes in, whatever else is pending. */
    static boolean partBit(Recipient r, int n) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(r.address().toString().getBytes(StandardCharsets.UTF_8));
            return (h[n >>> 3] & (0x80 >>> (n & 7))) != 0;
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Delivery part(Delivery d, List<Recipient> some) {
        return new Delivery(d.queueId(), d.envelope().withRecipients(List.copyOf(some)), d.content(),
                d.destination(), d.attempt());
    }

    /** The peer's open link, or a new one; a peer that failed is not tried again before its backoff. */
    private Link link(Peer peer, OrgServer server, Organisation org) throws IOException, GeneralSecurityException {
        peer.lock.lock();
        try {
            if (peer.link != null && peer.link.usable()) {
                return peer.link;
            }
            long now = System.currentTimeMillis();
            if (now < peer.retryAt) {
                throw new IOException("waiting " + (peer.retryAt - now) / 1000 + " s more after: " + peer.lastError);
            }
            Link l = new Link(server, settings(org));
            try {
                peer.connects.incrementAndGet();
                l.open();
            } catch (IOException e) {
                peer.backoff = Math.min(maxBackoff.toMillis(), Math.max(1000, peer.backoff * 2));
                peer.retryAt = now + peer.backoff;
                peer.lastError = e.getMessage();
                LOG.warn("internal link to {} ({}:{}) failed: {}; next try in {} s", server.name(), server.host(),
                        server.port(), e.getMessage(), peer.backoff / 1000);
                throw e;
            }
            LOG.info("internal link to {} ({}:{}) open, authenticated by {}", server.name(), server.host(),
                    server.port(), l.method());
            peer.backoff = 0;
            peer.retryAt = 0;
            peer.lastError = null;
            peer.link = l;
            return l;
        } finally {
            peer.lock.unlock();
        }
    }

    Link.Settings settings(Organisation org) throws GeneralSecurityException {
        javax.net.ssl.SSLContext tls = service.trusting();
        if (tls == null) {
            throw new GeneralSecurityException("no TLS certificate yet");
        }
        boolean selfPinned = org.server(service.serverName()).map(s -> s.tlsFingerprint() != null).orElse(false);
        Duration connect = Durations.parse(service.config().connectTimeout());
        Duration answer = Durations.parse(service.config().answerTimeout());
        return new Link.Settings(service.serverName(), tls, service.secret().get(), selfPinned, connect, answer);
    }

    private static List<RecipientResult> all(List<Recipient> rcpts, DeliveryStatus st, String code, String text,
            String host) {
        return rcpts.stream().map(r -> new RecipientResult(r, st, code, text, host)).toList();
    }

    /**
     * The BEGIN of a delivery. Its transfer id is stable for the queued message and this set
     * of recipients (spec section 6), so a retry after any crash is recognised by the peer.
     */
    static Begin begin(Delivery d, String self) {
        Envelope e = d.envelope();
        List<String> addresses = e.recipients().stream().map(r -> r.address().toString()).sorted().toList();
        String transferId = self + "." + d.queueId().value() + "." + hash(addresses);
        List<Begin.Rcpt> rcpts = e.recipients().stream()
                .map(r -> new Begin.Rcpt(r.address().toString(), notify(r), r.originalRecipient())).toList();
        Origin o = e.origin();
        int body = e.body() == BodyType.SEVEN_BIT ? 0 : e.body() == BodyType.BINARY_MIME ? 2 : 1;
        int ret = e.dsnReturn() == null ? 0 : e.dsnReturn() == DsnReturn.FULL ? 1 : 2;
        return new Begin(transferId, e.sender() == null ? null : e.sender().toString(), e.smtpUtf8(), false, body, ret,
                e.envelopeId(), d.content().size(), rcpts, o.protocol() == null ? "" : o.protocol(), o.heloName(),
                o.clientAddress(), o.authenticatedUser(), o.received() == null ? 0 : o.received().toEpochMilli(),
                e.properties() == null ? new byte[0] : e.properties().octets());
    }

    private static String hash(List<String> addresses) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", addresses).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int notify(Recipient r) {
        int bits = 0;
        for (DsnNotify n : r.notifyOn()) {
            bits |= switch (n) {
                case NEVER -> Begin.NOTIFY_NEVER;
                case SUCCESS -> Begin.NOTIFY_SUCCESS;
                case FAILURE -> Begin.NOTIFY_FAILURE;
                case DELAY -> Begin.NOTIFY_DELAY;
            };
        }
        return bits;
    }

    /** The peers this server has talked to, for internal:links. */
    Map<String, Peer> peers() {
        return peers;
    }

    /** Opens a link to {@code name} (a fresh one, not the shared one), authenticates, pings: for internal:test. */
    String test(String name) throws Exception {
        Organisation org = service.organisation();
        if (org == null) {
            throw new IllegalStateException("the organisation registry is not available");
        }
        OrgServer server = org.server(name).orElseThrow(() -> new IllegalArgumentException(
                "no server " + name + " in the organisation registry (org.postrider.org servers)"));
        long t0 = System.nanoTime();
        Link l = new Link(server, settings(org));
        try {
            l.open();
            long connected = (System.nanoTime() - t0) / 1000;
            long rtt = l.ping();
            return String.format("%s (%s:%d): connected and authenticated by %s in %d ms; round trip %.2f ms%n",
                    server.name(), server.host(), server.port(), l.method(), connected / 1000, rtt / 1000.0);
        } finally {
            l.close();
        }
    }

    /**
     * Another server's tracking events for a message (queue:track follows a message across the
     * organisation with it), over a link of its own: a slow journal never holds up mail, and a
     * question given up on does not cost the shared link.
     */
    @Override
    public List<TrackEvent> ask(String server, String messageId, int limit, Duration timeout) throws IOException {
        Organisation org = service.organisation();
        if (org == null) {
            throw new IOException("the organisation registry is not available");
        }
        OrgServer peer = org.server(server).orElseThrow(() -> new IOException("no server " + server
                + " in the organisation registry"));
        Link l;
        try {
            l = new Link(peer, settings(org).within(timeout));
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS for the link to " + server + ": " + e.getMessage(), e);
        }
        try {
            l.open();
            List<TrackEvent> events = new ArrayList<>();
            for (Track.Event e : l.track(messageId, limit, timeout)) {
                TrackEvent.Kind kind;
                try {
                    kind = TrackEvent.Kind.valueOf(e.kind());
                } catch (IllegalArgumentException unknown) {
                    continue; // a kind a later release added: this one cannot show it
                }
                events.add(new TrackEvent(e.time(), e.server(), e.queueId(), e.messageId(), kind, e.recipient(),
                        e.via(), e.peer(), e.detail()));
            }
            return events;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + server);
        } finally {
            l.close();
        }
    }
}
