package org.postrider.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleContext;
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
import org.postrider.api.dns.DnsException;
import org.postrider.api.dns.DnsResolver;
import org.postrider.api.dns.MxHost;
import org.postrider.api.dns.MxResult;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.RecipientResult;
import org.postrider.kit.text.Durations;
import org.postrider.smtp.command.TransferKeys;
import org.postrider.smtp.proto.SmtpParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP out (transport "smtp"): the exchangers of the destination domain by MX preference
 * (implicit MX, null MX), each of their addresses in turn until one takes the message; the
 * next on a connection failure or a 4xx greeting. STARTTLS when offered (required for the
 * domains listed), PIPELINING when offered, per-recipient results with the remote's text
 * kept for the DSN. Sessions are reused for the next message to the same domain or exchanger.
 */
@Component(service = {DeliveryAgent.class, SmtpDelivery.class}, property = DeliveryAgent.TRANSPORT + "=smtp",
        configurationPid = "org.postrider.smtp.client")
@Designate(ocd = SmtpDelivery.Config.class)
public class SmtpDelivery implements DeliveryAgent {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpDelivery.class);

    @ObjectClassDefinition(name = "Postrider SMTP delivery", description = "Sending mail to other domains")
    public @interface Config {
        @AttributeDefinition(description = "Port of the next hops (25; other values for tests and smarthosts)")
        int port() default 25;

        @AttributeDefinition(description = "Name to give in EHLO; empty for the server name")
        String heloName() default "";

        @AttributeDefinition(description = "Time to set up the TCP connection with a next hop")
        String connectTimeout() default "30s";

        @AttributeDefinition(description = "Deadline for the whole greeting (RFC 5321 4.5.3.2.1: 5 minutes)")
        String greetingTimeout() default "5m";

        @AttributeDefinition(description = "Deadline for the whole reply to EHLO, HELO or STARTTLS, and for the "
                + "TLS handshake")
        String heloTimeout() default "5m";

        @AttributeDefinition(description = "Deadline for the whole reply to MAIL (RFC 5321 4.5.3.2.2: 5 minutes)")
        String mailTimeout() default "5m";

        @AttributeDefinition(description = "Deadline for the whole reply to each RCPT (RFC 5321 4.5.3.2.3: 5 minutes)")
        String rcptTimeout() default "5m";

        @AttributeDefinition(description = "Deadline for the whole 354 reply to DATA (RFC 5321 4.5.3.2.4: 2 minutes)")
        String dataInitTimeout() default "2m";

        @AttributeDefinition(description = "Deadline for each block of message text the next hop must take "
                + "(RFC 5321 4.5.3.2.5: 3 minutes)")
        String dataBlockTimeout() default "3m";

        @AttributeDefinition(description = "Deadline for the whole reply to the end of the message "
                + "(RFC 5321 4.5.3.2.6: 10 minutes)")
        String dataDoneTimeout() default "10m";

        @AttributeDefinition(description = "The most the dialogue of one delivery attempt may take, from the "
                + "connection (or the reuse of a cached session) up to the message text, all stages together; a "
                + "longer one is broken off and the message deferred. The message text is under "
                + "dataBlockTimeout, the reply to its end under dataDoneTimeout alone")
        String maxAttemptTime() default "30m";

        @AttributeDefinition(description = "Domains that must be reached over TLS, else the message waits")
        String[] requireTlsDomains() default {};

        @AttributeDefinition(description = "How long a session with a next hop stays open waiting for the next "
                + "message to the same domain or exchanger; 0s closes each after its message")
        String connectionCacheTime() default "2s";

        @AttributeDefinition(description = "The most messages one session carries")
        int connectionReuseLimit() default 100;
    }

    private final String serverName;
    private volatile Config config;
    private volatile ConnectionCache cache;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-out-session-sweeper");
        t.setDaemon(true);
        return t;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    @Activate
    public SmtpDelivery(BundleContext context, Config config) {
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
        this.config = config;
        this.cache = newCache(config);
        sweeper.scheduleWithFixedDelay(() -> this.cache.expire(), 1, 1, TimeUnit.SECONDS);
    }

    @Modified
    void modified(Config c) {
        this.config = c;
        ConnectionCache old = cache;
        cache = newCache(c); // a changed TLS policy or port must not find sessions made under the old one
        old.close();
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
        cache.close();
    }

    private static Deadlines deadlines(Config c) {
        return new Deadlines(Durations.parse(c.greetingTimeout()), Durations.parse(c.heloTimeout()),
                Durations.parse(c.mailTimeout()), Durations.parse(c.rcptTimeout()),
                Durations.parse(c.dataInitTimeout()), Durations.parse(c.dataBlockTimeout()),
                Durations.parse(c.dataDoneTimeout()), Durations.parse(c.maxAttemptTime()));
    }

    private static ConnectionCache newCache(Config c) {
        return new ConnectionCache(Durations.parse(c.connectionCacheTime()), Math.max(1, c.connectionReuseLimit()));
    }

    /** Sessions opened afresh, sessions reused from the cache, sessions now idle in it. */
    public long[] sessionCounters() {
        return new long[] {opened.get(), reused.get(), cache.idleCount()};
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) throws Exception {
        List<Recipient> rcpts = d.envelope().recipients();
        String domain = d.destination().toLowerCase(Locale.ROOT);
        ConnectionCache cache = this.cache;
        List<RecipientResult> cached = reuse(d, domain, cache);
        if (cached != null) {
            return cached;
        }
        DnsResolver resolver = dns;
        if (resolver == null) {
            return all(rcpts, DeliveryStatus.RETRY, "4.4.3", "DNS resolver unavailable", null);
        }
        MxResult mx;
        try {
            mx = resolver.mx(domain);
        } catch (DnsException e) {
            return all(rcpts, e.temporary() ? DeliveryStatus.RETRY : DeliveryStatus.FAILED,
                    e.temporary() ? "4.4.3" : "5.1.2", e.getMessage(), null);
        }
        if (mx.nullMx()) {
            return all(rcpts, DeliveryStatus.FAILED, "5.1.10", domain + " accepts no mail (null MX)", null);
        }
        List<String> errors = new ArrayList<>();
        boolean brokenOff = false; // a hop answered, then did not finish a stage in time
        for (MxHost host : mx.hosts()) {
            List<InetAddress> addresses;
            try {
                addresses = resolver.addresses(host.host());
            } catch (DnsException e) {
                errors.add(host.host() + ": " + e.getMessage());
                continue;
            }
            for (InetAddress a : addresses) {
                List<RecipientResult> shared = reuse(d, ConnectionCache.addressKey(a, config.port()), cache);
                if (shared != null) {
                    return shared;
                }
                try {
                    List<RecipientResult> r = attempt(d, host.host(), a, cache);
                    if (r != null) {
                        return r;
                    }
                    errors.add(host.host() + "[" + a.getHostAddress() + "]: did not take the message, trying the next");
                } catch (ClientConnection.DeadlineExceeded e) {
                    brokenOff = true;
                    errors.add(e.getMessage());
                } catch (IOException e) {
                    errors.add(host.host() + "[" + a.getHostAddress() + "]: " + e.getMessage());
                }
            }
        }
        return all(rcpts, DeliveryStatus.RETRY, brokenOff ? "4.4.2" : "4.4.1", "no exchanger of " + domain
                + (brokenOff ? " took the message in time: " : " reachable: ") + String.join("; ", errors), null);
    }

    /**
     * The transaction on a cached session found by this key (the domain, or an exchanger's
     * address that other domains share); null when there is none, or when it failed before
     * the message was sent, so the message can go another way.
     */
    private List<RecipientResult> reuse(Delivery d, String key, ConnectionCache cache) {
        for (ClientConnection c; (c = cache.take(key)) != null; ) {
            if (!c.secure() && tlsRequired(d)) {
                c.quit(ConnectionCache.QUIT_WAIT); // made for a domain without the policy: not good enough here
                continue;
            }
            reused.incrementAndGet();
            c.beginAttempt();
            try {
                List<RecipientResult> r = transaction(d, c);
                cache.release(keys(d, c), c);
                return r;
            } catch (IOException e) {
                c.close();
                LOG.debug("cached session with {} failed before the message was sent: {}", c.where(), e.toString());
            }
        }
        return null;
    }

    private boolean tlsRequired(Delivery d) {
        return Set.of(config.requireTlsDomains()).contains(d.destination().toLowerCase(Locale.ROOT));
    }

    /** The keys a session is found by afterwards: the domain it served and the exchanger's address. */
    private static List<String> keys(Delivery d, ClientConnection c) {
        return List.of(d.destination().toLowerCase(Locale.ROOT), ConnectionCache.addressKey(c.address(), c.port()));
    }

    /**
     * A new session with one address of an exchanger, then the transaction; null when this
     * host should be skipped for the next one. A session that ends in a clean state goes back
     * to the cache.
     */
    private List<RecipientResult> attempt(Delivery d, String host, InetAddress address, ConnectionCache cache)
            throws IOException {
        return attempt(d, host, address, cache, false);
    }

    /** @param plaintext after a failed TLS handshake: this time without STARTTLS */
    private List<RecipientResult> attempt(Delivery d, String host, InetAddress address, ConnectionCache cache,
            boolean plaintext) throws IOException {
        Config c = config;
        List<Recipient> rcpts = d.envelope().recipients();
        ClientConnection conn = new ClientConnection(address, c.port(), host, Durations.parse(c.connectTimeout()),
                deadlines(c));
        opened.incrementAndGet();
        String where = conn.where();
        boolean clean = false;
        try {
            Reply greeting = conn.read(Deadlines.Stage.GREETING);
            if (!greeting.positive()) {
                return null;
            }
            String helo = c.heloName().isBlank() ? serverName : c.heloName();
            Reply ehlo = conn.ehlo(helo);
            if (!ehlo.positive() && !conn.command("HELO " + helo, Deadlines.Stage.HELO).positive()) {
                return null;
            }
            boolean tlsRequired = tlsRequired(d);
            if (conn.has("STARTTLS") && !plaintext) {
                Reply go = conn.command("STARTTLS", Deadlines.Stage.STARTTLS);
                if (go.positive()) {
                    try {
                        conn.startTls();
                    } catch (IOException e) {
                        if (!(e instanceof javax.net.ssl.SSLException)) {
                            // A deadline (the hop stalled) or a lost connection is no TLS failure:
                            // plaintext would not help, and would take the slot a second time.
                            throw e;
                        }
                        if (tlsRequired) {
                            return all(rcpts, DeliveryStatus.RETRY, "4.7.5", where + ": TLS handshake failed ("
                                    + e.getMessage() + "), and the policy for " + d.destination() + " requires TLS",
                                    conn.host());
                        }
                        // RFC 7435: opportunistic TLS that fails is no reason not to deliver; the
                        // session's state is unknown, so a new one, without STARTTLS (as Postfix does).
                        LOG.info("smtp to {}: TLS handshake failed ({}), retrying without TLS", where,
                                e.getMessage());
                        conn.close();
                        return attempt(d, host, address, cache, true);
                    }
                    conn.ehlo(helo);
                } else if (tlsRequired) {
                    return all(rcpts, DeliveryStatus.RETRY, "4.7.5", where + " refused STARTTLS: " + go, conn.host());
                }
            } else if (tlsRequired) {
                return all(rcpts, DeliveryStatus.RETRY, "4.7.5", where + " does not offer STARTTLS, which the "
                        + "policy for " + d.destination() + " requires", conn.host());
            }
            List<RecipientResult> results = transaction(d, conn);
            clean = true;
            return results;
        } finally {
            if (clean) {
                cache.release(keys(d, conn), conn);
            } else {
                conn.close();
            }
        }
    }

    /**
     * One mail transaction on a greeted session. Returns normally only with the session back
     * in its initial state (or marked broken when it was lost after the message was sent);
     * throws when it failed before that, so the message can go another way.
     */
    private List<RecipientResult> transaction(Delivery d, ClientConnection conn) throws IOException {
        List<Recipient> rcpts = d.envelope().recipients();
        String where = conn.where();
        boolean utf8 = d.envelope().smtpUtf8();
        if (utf8 && !conn.has("SMTPUTF8")) {
            return all(rcpts, DeliveryStatus.FAILED, "5.6.7", where + " does not support SMTPUTF8, which this "
                    + "message needs", conn.host());
        }
        boolean eightBit = d.envelope().body() != BodyType.SEVEN_BIT;
        if (d.envelope().body() == BodyType.BINARY_MIME) {
            return all(rcpts, DeliveryStatus.FAILED, "5.6.3", "binary messages cannot be relayed by DATA", conn.host());
        }
        if (eightBit && !conn.has("8BITMIME")) {
            // No downgrade to 7bit here: bounce with the reason rather than send what the hop may mangle.
            return all(rcpts, DeliveryStatus.FAILED, "5.6.3", where + " does not support 8BITMIME, which this "
                    + "8-bit message needs", conn.host());
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<")
                .append(d.envelope().sender() == null ? "" : d.envelope().sender()).append('>');
        if (conn.has("SIZE")) {
            mail.append(" SIZE=").append(d.content().size());
        }
        if (eightBit) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8");
        }
        boolean dsn = conn.has("DSN"); // RFC 3461 6.2: DSN requests travel on to a hop that takes them
        if (dsn && d.envelope().dsnReturn() != null) {
            mail.append(" RET=").append(d.envelope().dsnReturn() == DsnReturn.FULL ? "FULL" : "HDRS");
        }
        if (dsn && d.envelope().envelopeId() != null) {
            mail.append(" ENVID=").append(SmtpParser.toXtext(d.envelope().envelopeId()));
        }
        if (conn.has(TransferKeys.KEYWORD)) {
            // a Postrider peer: our copy sent again after a crash here is recognised there
            mail.append(' ').append(TransferKeys.KEYWORD).append('=')
                    .append(SmtpParser.toXtext(TransferKeys.outgoing(d, serverName)));
        }
        boolean pipelining = conn.has("PIPELINING");
        conn.send(mail.toString());
        if (!pipelining) {
            conn.flush(Deadlines.Stage.MAIL);
        }
        Reply mailReply = pipelining ? null : conn.read(Deadlines.Stage.MAIL);
        if (mailReply != null && !mailReply.positive()) {
            return fromReply(rcpts, mailReply, conn);
        }
        Map<Recipient, Reply> rcptReplies = new HashMap<>();
        for (Recipient r : rcpts) {
            conn.send("RCPT TO:<" + r.address() + ">" + (dsn ? dsnParameters(r) : ""));
            if (!pipelining) {
                conn.flush(Deadlines.Stage.RCPT);
                rcptReplies.put(r, conn.read(Deadlines.Stage.RCPT));
            }
        }
        if (pipelining) {
            conn.send("DATA");
            conn.flush(Deadlines.Stage.MAIL);
            mailReply = conn.read(Deadlines.Stage.MAIL);
            for (Recipient r : rcpts) {
                rcptReplies.put(r, conn.read(Deadlines.Stage.RCPT));
            }
        }
        List<RecipientResult> results = new ArrayList<>();
        List<Recipient> accepted = new ArrayList<>();
        for (Recipient r : rcpts) {
            Reply rr = !mailReply.positive() ? mailReply : rcptReplies.get(r);
            if (rr.positive()) {
                accepted.add(r);
            } else {
                results.add(result(r, rr, conn));
            }
        }
        Reply dataReply = pipelining ? conn.read(Deadlines.Stage.DATA_INIT)
                : accepted.isEmpty() ? null : conn.command("DATA", Deadlines.Stage.DATA_INIT);
        if (accepted.isEmpty()) {
            if (dataReply != null && dataReply.code() == 354) {
                // RFC 2920 3.1: a DATA taken with no recipient gets an empty message
                conn.command(".", Deadlines.Stage.DATA_DONE);
            } else if (mailReply.positive()) {
                conn.command("RSET", Deadlines.Stage.RSET);
            }
            return results;
        }
        if (dataReply.code() != 354) {
            for (Recipient r : accepted) {
                results.add(result(r, dataReply, conn));
            }
            conn.command("RSET", Deadlines.Stage.RSET);
            return results;
        }
        try (InputStream in = d.content().open()) {
            conn.sendMessage(in);
        }
        Reply done;
        try {
            done = conn.read(Deadlines.Stage.DATA_DONE);
        } catch (IOException e) {
            // Sent but unanswered: retry later rather than at once elsewhere (RFC 1047).
            for (Recipient r : accepted) {
                results.add(new RecipientResult(r, DeliveryStatus.RETRY, "4.4.2", where
                        + ": connection lost after the message was sent: " + e.getMessage(), conn.host()));
            }
            return results;
        }
        for (Recipient r : accepted) {
            results.add(result(r, done, conn));
        }
        LOG.info("smtp to {}: {}", where, done);
        return results;
    }

    /** NOTIFY and ORCPT of a recipient, as RCPT parameters. */
    private static String dsnParameters(Recipient r) {
        StringBuilder sb = new StringBuilder();
        if (!r.notifyOn().isEmpty()) {
            sb.append(" NOTIFY=").append(r.notifyOn().stream().sorted().map(Enum::name)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        String orcpt = r.originalRecipient();
        int semi = orcpt == null ? -1 : orcpt.indexOf(';');
        if (semi > 0) {
            sb.append(" ORCPT=").append(orcpt, 0, semi).append(';')
                    .append(SmtpParser.toXtext(orcpt.substring(semi + 1)));
        }
        return sb.toString();
    }

    /**
     * The remote's reply as a result: quoted with host[address] for the DSN, the host as
     * Remote-MTA. Taken by a hop that offers DSN, the sender's requests went with it and the
     * hop reports; else the message is relayed beyond reports (RFC 3461 6.2.6).
     */
    private static RecipientResult result(Recipient r, Reply reply, ClientConnection c) {
        if (reply.positive()) {
            return new RecipientResult(r, c.has("DSN") ? DeliveryStatus.DELIVERED : DeliveryStatus.RELAYED, "2.0.0",
                    c.where() + " said: " + reply, c.host());
        }
        return new RecipientResult(r, reply.temporary() ? DeliveryStatus.RETRY : DeliveryStatus.FAILED,
                reply.enhanced(), c.where() + " said: " + reply, c.host());
    }

    private static List<RecipientResult> fromReply(List<Recipient> rcpts, Reply reply, ClientConnection c) {
        List<RecipientResult> l = new ArrayList<>();
        for (Recipient r : rcpts) {
            l.add(result(r, reply, c));
        }
        return l;
    }

    private static List<RecipientResult> all(List<Recipient> rcpts, DeliveryStatus status, String code, String text,
            String host) {
        List<RecipientResult> l = new ArrayList<>();
        for (Recipient r : rcpts) {
            l.add(new RecipientResult(r, status, code, text, host));
        }
        return l;
    }
}
