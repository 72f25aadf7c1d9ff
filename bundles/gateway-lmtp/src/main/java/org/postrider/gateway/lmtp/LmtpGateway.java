package org.postrider.gateway.lmtp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.RecipientResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers an address space into a foreign mailbox server over LMTP (Dovecot, Cyrus,
 * another Postfix): one connection per delivery, a result per recipient as LMTP gives it.
 * Built against the Postrider API only, as a third party would build a gateway.
 */
@Component(service = Gateway.class, configurationPid = "org.postrider.gateway.lmtp")
@Designate(ocd = LmtpGateway.Config.class)
public class LmtpGateway implements Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(LmtpGateway.class);

    @ObjectClassDefinition(name = "Postrider LMTP gateway")
    public @interface Config {
        @AttributeDefinition(description = "The gateway's id: its transport is gateway:ID")
        String id() default "lmtp";

        @AttributeDefinition(description = "Address spaces served, each TYPE:PATTERN;COST, e.g. SMTP:*@legacy.example.org;1")
        String[] addressSpaces() default {};

        @AttributeDefinition(description = "The LMTP server's host")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "The LMTP server's port")
        int port() default 24;

        @AttributeDefinition(description = "The name given in LHLO")
        String lhloName() default "postrider";

        @AttributeDefinition(description = "Time to connect")
        long connectTimeoutSeconds() default 30;

        @AttributeDefinition(description = "Time for each reply")
        long readTimeoutSeconds() default 300;

        @AttributeDefinition(description = "Time for a whole delivery, the message text included")
        long deliveryTimeoutSeconds() default 1800;
    }

    private volatile Config config;
    private volatile List<AddressSpace> spaces = List.of();

    @Activate
    @Modified
    void configure(Config c) {
        if (!c.id().matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("gateway id must be 1-32 of a-z, 0-9, '-': " + c.id());
        }
        this.spaces = parseSpaces(c.addressSpaces());
        this.config = c;
        LOG.info("LMTP gateway {} to {}:{} serves {}", c.id(), c.host(), c.port(), spaces);
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
        return config.id();
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return spaces;
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) throws IOException {
        Config c = config;
        String server = c.host() + ":" + c.port();
        try (LmtpConnection conn = new LmtpConnection(c.host(), c.port(), Duration.ofSeconds(c.connectTimeoutSeconds()),
                Duration.ofSeconds(c.readTimeoutSeconds()), Duration.ofSeconds(c.deliveryTimeoutSeconds()))) {
            return new LmtpTransaction(conn, c.lhloName(), server).run(d);
        } catch (IOException e) {
            // nothing was said to anyone yet: every recipient is tried again later
            return d.envelope().recipients().stream()
                    .map(r -> RecipientResult.retry(r, "4.4.1", "cannot connect to LMTP server " + server + ": "
                            + e.getMessage()))
                    .toList();
        }
    }
}
