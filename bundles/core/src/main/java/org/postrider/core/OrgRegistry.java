package org.postrider.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.org.OrgServer;
import org.postrider.api.org.Organisation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The organisation's servers from configuration (PID {@code org.postrider.org}): each entry
 * {@code name=host:port} or {@code name=host:port;sha256=FINGERPRINT}, and the server that
 * relays Internet mail. A config change takes effect at once; an invalid entry is refused
 * with a log line and the previous list kept, so a typo never cuts a working organisation.
 */
@Component(service = Organisation.class, configurationPid = "org.postrider.org")
@Designate(ocd = OrgRegistry.Config.class)
public class OrgRegistry implements Organisation {
    private static final Logger LOG = LoggerFactory.getLogger(OrgRegistry.class);
    static final int MAX_SERVERS = 1000;

    @ObjectClassDefinition(name = "Postrider organisation")
    public @interface Config {
        @AttributeDefinition(description = "The organisation's servers: name=host:port, optionally ;sha256=FINGERPRINT"
                + " of the certificate its internal transport presents")
        String[] servers() default {};

        @AttributeDefinition(description = "The server that relays mail for the Internet; empty when this server"
                + " sends its own by SMTP")
        String internetGateway() default "";
    }

    private final String self;
    private volatile List<OrgServer> servers = List.of();
    private volatile Optional<String> internetGateway = Optional.empty();

    @Activate
    public OrgRegistry(BundleContext context, Config config) {
        String n = context.getProperty("postrider.server.name");
        this.self = OrgServer.validName(n != null ? n : "athena");
        modified(config);
    }

    OrgRegistry(String self, Config config) {
        this.self = OrgServer.validName(self);
        modified(config);
    }

    @Modified
    void modified(Config config) {
        try {
            List<OrgServer> parsed = parse(config.servers());
            String gw = config.internetGateway() == null ? "" : config.internetGateway().trim();
            Optional<String> gateway = gw.isEmpty() ? Optional.empty() : Optional.of(OrgServer.validName(gw));
            if (gateway.isPresent() && !gateway.get().equals(self)
                    && parsed.stream().noneMatch(x -> x.name().equals(gateway.get()))) {
                LOG.warn("internetGateway {} is not among the servers: Internet mail goes out by SMTP from here",
                        gateway.get());
            }
            servers = parsed;
            // the gateway itself sends by SMTP: naming itself would loop mail back to it
            internetGateway = gateway.filter(g -> !g.equals(self));
        } catch (IllegalArgumentException e) {
            LOG.error("organisation configuration refused, keeping the previous one: {}", e.getMessage());
        }
    }

    static List<OrgServer> parse(String[] entries) {
        Map<String, OrgServer> byName = new LinkedHashMap<>();
        List<String> split = new ArrayList<>();
        for (String raw : entries == null ? new String[0] : entries) {
            // a .cfg file gives the list as one comma-separated value; no entry holds a comma
            split.addAll(List.of(raw.split(",")));
        }
        for (String raw : split) {
            String e = raw.trim();
            if (e.isEmpty()) {
                continue;
            }
            if (byName.size() >= MAX_SERVERS) {
                throw new IllegalArgumentException("more than " + MAX_SERVERS + " servers");
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not name=host:port: " + e);
            }
            String name = e.substring(0, eq).trim();
            String rest = e.substring(eq + 1).trim();
            String fingerprint = null;
            int semi = rest.indexOf(';');
            if (semi >= 0) {
                String opt = rest.substring(semi + 1).trim();
                rest = rest.substring(0, semi).trim();
                if (!opt.startsWith("sha256=")) {
                    throw new IllegalArgumentException("unknown option in " + e);
                }
                fingerprint = opt.substring("sha256=".length());
            }
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("no port in " + e);
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("bad port in " + e);
            }
            OrgServer s = new OrgServer(name, host, port, fingerprint);
            if (byName.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("server " + s.name() + " named twice");
            }
        }
        return List.copyOf(new ArrayList<>(byName.values()));
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public List<OrgServer> servers() {
        return servers;
    }

    @Override
    public Optional<String> internetGateway() {
        return internetGateway;
    }
}
