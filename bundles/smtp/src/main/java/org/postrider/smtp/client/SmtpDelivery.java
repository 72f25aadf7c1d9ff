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
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.RecipientResult;
import org.postrider.kit.text.Durations;
import org.postrider.lineserver.DotStuffing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP out (transport "smtp"): the exchangers of the destination domain by MX preference
 * (implicit MX, null MX), each of their addresses in turn until one takes the message; the
 * next on a connection failure or a 4xx greeting. STARTTLS when offered (required for the
 * domains listed), PIPELINING when offered, per-recipient results with the remote's text
 * kept for the DSN.
 */
@Component(property = DeliveryAgent.TRANSPORT + "=smtp", configurationPid = "org.postrider.smtp.client")
@Designate(ocd = SmtpDelivery.Config.class)
public class SmtpDelivery implements DeliveryAgent {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpDelivery.class);

    @ObjectClassDefinition(name = "Postrider SMTP delivery", description = "Sending mail to other domains")
    public @interface Config {
        @AttributeDefinition(description = "Port of the next hops (25; other values for tests and smarthosts)")
        int port() default 25;

        @AttributeDefinition(description = "Name to give in EHLO; empty for the server name")
        String heloName() default "";

        String connectTimeout() default "30s";

        @AttributeDefinition(description = "Time to wait for each reply")
        String replyTimeout() default "5m";

        @AttributeDefinition(description = "Domains that must be reached over TLS, else the message waits")
        String[] requireTlsDomains() default {};
    }

    private final String serverName;
    private volatile Config config;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    @Activate
    public SmtpDelivery(BundleContext context, Config config) {
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
        this.config = config;
    }

    @Modified
    void modified(Config c) {
        this.config = c;
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) throws Exception {
        List<Recipient> rcpts = d.envelope().recipients();
        DnsResolver resolver = dns;
        if (resolver == null) {
            return all(rcpts, DeliveryStatus.RETRY, "4.4.3", "DNS resolver unavailable", null);
        }
        String domain = d.destination();
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
        for (MxHost host : mx.hosts()) {
            List<InetAddress> addresses;
            try {
                addresses = resolver.addresses(host.host());
            } catch (DnsException e) {
                errors.add(host.host() + ": " + e.getMessage());
                continue;
            }
            for (InetAddress a : addresses) {
                try {
                    List<RecipientResult> r = attempt(d, host.host(), a);
                    if (r != null) {
                        return r;
                    }
                    errors.add(host.host() + "[" + a.getHostAddress() + "]: did not take the message, trying the next");
                } catch (IOException e) {
                    errors.add(host.host() + "[" + a.getHostAddress() + "]: " + e.getMessage());
                }
            }
        }
        return all(rcpts, DeliveryStatus.RETRY, "4.4.1", "no exchanger of " + domain + " reachable: "
                + String.join("; ", errors), null);
    }

    /** One conversation; null when this host should be skipped for the next one. */
    private List<RecipientResult> attempt(Delivery d, String host, InetAddress address) throws IOException {
        Config c = config;
        List<Recipient> rcpts = d.envelope().recipients();
        String where = host + "[" + address.getHostAddress() + "]";
        try (ClientConnection conn = new ClientConnection(address, c.port(), host,
                Durations.parse(c.connectTimeout()), Durations.parse(c.replyTimeout()))) {
            Reply greeting = conn.read();
            if (!greeting.positive()) {
                return null;
            }
            String helo = c.heloName().isBlank() ? serverName : c.heloName();
            Reply ehlo = conn.ehlo(helo);
            if (!ehlo.positive() && !conn.command("HELO " + helo).positive()) {
                return null;
            }
            boolean tlsRequired = Set.of(c.requireTlsDomains()).contains(d.destination().toLowerCase(Locale.ROOT));
            if (conn.has("STARTTLS")) {
                Reply go = conn.command("STARTTLS");
                if (go.positive()) {
                    conn.startTls();
                    conn.ehlo(helo);
                } else if (tlsRequired) {
                    return all(rcpts, DeliveryStatus.RETRY, "4.7.5", where + " refused STARTTLS: " + go, where);
                }
            } else if (tlsRequired) {
                return all(rcpts, DeliveryStatus.RETRY, "4.7.5", where + " does not offer STARTTLS, which the "
                        + "policy for " + d.destination() + " requires", where);
            }
            boolean utf8 = d.envelope().smtpUtf8();
            if (utf8 && !conn.has("SMTPUTF8")) {
                return all(rcpts, DeliveryStatus.FAILED, "5.6.7", where + " does not support SMTPUTF8, which this "
                        + "message needs", where);
            }
            boolean eightBit = d.envelope().body() != BodyType.SEVEN_BIT;
            if (d.envelope().body() == BodyType.BINARY_MIME) {
                return all(rcpts, DeliveryStatus.FAILED, "5.6.3", "binary messages cannot be relayed by DATA", where);
            }
            if (eightBit && !conn.has("8BITMIME")) {
                // No downgrade to 7bit here: bounce with the reason rather than send what the hop may mangle.
                return all(rcpts, DeliveryStatus.FAILED, "5.6.3", where + " does not support 8BITMIME, which this "
                        + "8-bit message needs", where);
            }
            StringBuilder mail = new StringBuilder("MAIL FROM:<")
                    .append(d.envelope().sender() == null ? "" : d.envelope().sender()).append('>');
            if (conn.has("SIZE")) {
                mail.append(" SIZE=").append(d.content().size());
            }
            if (eightBit && conn.has("8BITMIME")) {
                mail.append(" BODY=8BITMIME");
            }
            if (utf8) {
                mail.append(" SMTPUTF8");
            }
            boolean pipelining = conn.has("PIPELINING");
            conn.send(mail.toString());
            if (!pipelining) {
                conn.flush();
            }
            Reply mailReply = pipelining ? null : conn.read();
            if (mailReply != null && !mailReply.positive()) {
                return fromReply(rcpts, mailReply, where);
            }
            Map<Recipient, Reply> rcptReplies = new HashMap<>();
            for (Recipient r : rcpts) {
                conn.send("RCPT TO:<" + r.address() + ">");
                if (!pipelining) {
                    conn.flush();
                    rcptReplies.put(r, conn.read());
                }
            }
            if (pipelining) {
                conn.send("DATA");
                conn.flush();
                mailReply = conn.read();
                for (Recipient r : rcpts) {
                    rcptReplies.put(r, conn.read());
                }
            }
            List<RecipientResult> results = new ArrayList<>();
            List<Recipient> accepted = new ArrayList<>();
            for (Recipient r : rcpts) {
                Reply rr = !mailReply.positive() ? mailReply : rcptReplies.get(r);
                if (rr.positive()) {
                    accepted.add(r);
                } else {
                    results.add(result(r, rr, where));
                }
            }
            Reply dataReply = pipelining ? conn.read() : accepted.isEmpty() ? null : conn.command("DATA");
            if (accepted.isEmpty()) {
                conn.command(pipelining && dataReply != null && dataReply.code() == 354 ? "." : "QUIT");
                return results;
            }
            if (dataReply == null || dataReply.code() != 354) {
                for (Recipient r : accepted) {
                    results.add(result(r, dataReply, where));
                }
                conn.command("QUIT");
                return results;
            }
            try (InputStream in = d.content().open()) {
                DotStuffing.write(in, conn.output(), -1);
            }
            conn.flush();
            Reply done = conn.read();
            for (Recipient r : accepted) {
                results.add(result(r, done, where));
            }
            try {
                conn.command("QUIT");
            } catch (IOException ignored) {
                // the message is already accepted or refused
            }
            LOG.info("smtp to {}: {}", where, done);
            return results;
        }
    }

    private static RecipientResult result(Recipient r, Reply reply, String where) {
        if (reply.positive()) {
            return new RecipientResult(r, DeliveryStatus.DELIVERED, "2.0.0", where + " said: " + reply, where);
        }
        return new RecipientResult(r, reply.temporary() ? DeliveryStatus.RETRY : DeliveryStatus.FAILED,
                reply.enhanced(), where + " said: " + reply, where);
    }

    private static List<RecipientResult> fromReply(List<Recipient> rcpts, Reply reply, String where) {
        List<RecipientResult> l = new ArrayList<>();
        for (Recipient r : rcpts) {
            l.add(result(r, reply, where));
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
