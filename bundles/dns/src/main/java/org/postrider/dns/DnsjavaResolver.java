package org.postrider.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.dns.DnsException;
import org.postrider.api.dns.DnsResolver;
import org.postrider.api.dns.MxHost;
import org.postrider.api.dns.MxResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * The DNS resolver for mail routing, on dnsjava's LookupSession: it follows CNAMEs and
 * caches answers for their TTL. Resolver addresses, port and timeout come from
 * ConfigAdmin (pid {@code org.postrider.dns}) and change live.
 */
@Component(service = {DnsResolver.class, DnsjavaResolver.class}, configurationPid = "org.postrider.dns")
@Designate(ocd = DnsjavaResolver.Config.class)
public class DnsjavaResolver implements DnsResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DnsjavaResolver.class);

    @ObjectClassDefinition(name = "Postrider DNS", description = "The resolver used for MX, A and AAAA lookups")
    public @interface Config {
        @AttributeDefinition(description = "Resolver addresses as host or host:port; empty for the system's (/etc/resolv.conf)")
        String[] servers() default {};

        @AttributeDefinition(description = "Time allowed for one lookup, in milliseconds")
        int timeoutMillis() default 5000;
    }

    private volatile LookupSession session;
    private volatile Cache cache;
    private volatile Duration timeout;
    private volatile List<String> servers;

    @Activate
    @Modified
    void configure(Config config) throws UnknownHostException {
        timeout = Duration.ofMillis(Math.max(100, config.timeoutMillis()));
        Resolver resolver = resolver(config.servers());
        resolver.setTimeout(timeout);
        cache = new Cache(DClass.IN);
        session = LookupSession.builder().resolver(resolver).cache(cache).clearSearchPath().build();
        servers = List.of(config.servers());
        LOG.info("DNS resolver: {} (timeout {} ms)", servers.isEmpty() ? "system" : servers, timeout.toMillis());
    }

    private static Resolver resolver(String[] servers) throws UnknownHostException {
        if (servers.length == 0) {
            return new ExtendedResolver();
        }
        List<Resolver> list = new ArrayList<>();
        for (String s : servers) {
            list.add(new SimpleResolver(socketAddress(s.trim())));
        }
        return list.size() == 1 ? list.get(0) : new ExtendedResolver(list);
    }

    /** "127.0.0.1", "127.0.0.1:5353", "[::1]:5353" or "::1". */
    static InetSocketAddress socketAddress(String s) throws UnknownHostException {
        String host = s;
        int port = 53;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            host = s.substring(1, close);
            if (close + 1 < s.length() && s.charAt(close + 1) == ':') {
                port = Integer.parseInt(s.substring(close + 2));
            }
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
            host = s.substring(0, s.indexOf(':'));
            port = Integer.parseInt(s.substring(s.indexOf(':') + 1));
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public MxResult mx(String domain) throws DnsException {
        Name name = name(domain);
        List<MXRecord> mx = new ArrayList<>();
        try {
            for (Record r : lookup(name, Type.MX)) {
                if (r instanceof MXRecord m) {
                    mx.add(m);
                }
            }
        } catch (NoRecords e) {
            // handled below with an empty answer
        }
        if (mx.isEmpty()) {
            // RFC 5321 5.1: no MX (NODATA, with or without an SOA), so the address records stand in.
            addresses(domain);
            return new MxResult(List.of(new MxHost(0, strip(name))), true, false);
        }
        if (mx.size() == 1 && mx.get(0).getTarget().equals(Name.root)) {
            return new MxResult(List.of(), false, true); // RFC 7505 null MX
        }
        Collections.shuffle(mx, ThreadLocalRandom.current());
        mx.sort((a, b) -> Integer.compare(a.getPriority(), b.getPriority())); // stable: random among equals
        List<MxHost> hosts = new ArrayList<>();
        for (MXRecord m : mx) {
            if (!m.getTarget().equals(Name.root)) {
                hosts.add(new MxHost(m.getPriority(), strip(m.getTarget())));
            }
        }
        return new MxResult(hosts, false, false);
    }

    @Override
    public List<InetAddress> addresses(String host) throws DnsException {
        Name name = name(host);
        List<InetAddress> result = new ArrayList<>();
        boolean any = false;
        for (int type : new int[] {Type.AAAA, Type.A}) {
            try {
                for (Record r : lookup(name, type)) {
                    if (r instanceof AAAARecord a) {
                        result.add(a.getAddress());
                    } else if (r instanceof ARecord a) {
                        result.add(a.getAddress());
                    }
                }
                any = true;
            } catch (NoRecords e) {
                // try the other family
            }
        }
        if (!any || result.isEmpty()) {
            throw new DnsException("no address records for " + host, false);
        }
        return result;
    }

    /** Empties the cache (dns:flush). */
    public void flush() {
        cache.clearCache();
    }

    public List<String> servers() {
        return servers;
    }

    private static final class NoRecords extends Exception {
        private static final long serialVersionUID = 1L;

        NoRecords() {
            super(null, null, false, false);
        }
    }

    private List<Record> lookup(Name name, int type) throws DnsException, NoRecords {
        try {
            LookupResult r = session.lookupAsync(name, type).toCompletableFuture()
                    .get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
            return r.getRecords();
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof NoSuchDomainException) {
                throw new DnsException("domain " + strip(name) + " does not exist", false);
            }
            if (c instanceof NoSuchRRSetException) {
                throw new NoRecords();
            }
            throw new DnsException("lookup of " + strip(name) + " failed: " + c, true);
        } catch (TimeoutException e) {
            throw new DnsException("lookup of " + strip(name) + " timed out", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsException("lookup interrupted", true);
        }
    }

    private static Name name(String domain) throws DnsException {
        try {
            return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            throw new DnsException("invalid domain name " + domain, false);
        }
    }

    private static String strip(Name n) {
        String s = n.toString();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
