package org.postrider.dns;

import java.net.InetAddress;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.dns.DnsException;
import org.postrider.api.dns.MxHost;
import org.postrider.api.dns.MxResult;

/** The {@code dns:} Gogo scope. */
@Component(immediate = true, service = DnsCommands.class, property = {
    "osgi.command.scope=dns",
    "osgi.command.function=mx",
    "osgi.command.function=resolve",
    "osgi.command.function=flush",
    "osgi.command.function=servers",
})
public class DnsCommands {
    private final DnsjavaResolver resolver;

    @Activate
    public DnsCommands(@Reference DnsjavaResolver resolver) {
        this.resolver = resolver;
    }

    @Descriptor("show the mail exchangers of a domain in the order they would be tried")
    public String mx(@Descriptor("the domain, e.g. example.net") String domain) throws DnsException {
        MxResult r = resolver.mx(domain);
        if (r.nullMx()) {
            return domain + ": null MX (RFC 7505): the domain accepts no mail";
        }
        StringBuilder sb = new StringBuilder();
        for (MxHost h : r.hosts()) {
            sb.append(String.format("%5d %s%s%n", h.preference(), h.host(), r.implicit() ? " (implicit MX)" : ""));
        }
        return sb.toString();
    }

    @Descriptor("show the IPv6 and IPv4 addresses of a host")
    public String resolve(@Descriptor("the host name") String host) throws DnsException {
        StringBuilder sb = new StringBuilder();
        for (InetAddress a : resolver.addresses(host)) {
            sb.append(a.getHostAddress()).append('\n');
        }
        return sb.toString();
    }

    @Descriptor("show the resolvers in use (configured in deploy/org.postrider.dns.cfg: servers, timeoutMillis)")
    public String servers() {
        return resolver.servers().isEmpty() ? "system resolvers (/etc/resolv.conf)"
                : String.join("\n", resolver.servers());
    }

    @Descriptor("empty the DNS cache")
    public String flush() {
        resolver.flush();
        return "DNS cache flushed";
    }
}
