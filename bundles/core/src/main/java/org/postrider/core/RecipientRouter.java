package org.postrider.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.Resolution;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.org.Organisation;
import org.postrider.api.queue.Router;
import org.postrider.api.queue.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router: resolves recipients through the Directory to a local mailbox, a mailbox on
 * another server of the organisation, a gateway's address space (lowest cost wins) or the
 * internet by SMTP. Aliases and lists expand breadth-first with a depth limit, a fan-out
 * limit and loop detection. Listeners ask it at RCPT time, so unknown local users and
 * relay attempts are refused before anything is accepted.
 */
@Component(service = {Router.class, RecipientRouter.class})
public class RecipientRouter implements Router {
    private static final Logger LOG = LoggerFactory.getLogger(RecipientRouter.class);
    static final int MAX_DEPTH = 10;
    static final int MAX_EXPANSION = 1000;

    /** How long the spaces of a gateway that went away still route to it (its update, a restart of its bundle). */
    static final Duration DEPARTED_GRACE = Duration.ofMinutes(10);

    private final String serverName;
    private final List<Gateway> gateways = new CopyOnWriteArrayList<>();
    /** Each bound gateway's id and spaces as last read, so a gateway that throws or leaves still routes to itself. */
    private final Map<Gateway, Snapshot> seen = new ConcurrentHashMap<>();
    /** Gateways that went away, by id, until their grace ends: their mail waits for them, never goes elsewhere. */
    private final Map<String, Snapshot> departed = new ConcurrentHashMap<>();
    /** Guards changes of {@link #gateways} and {@link #departed} together (never held while a gateway is called). */
    private final Object membership = new Object();

    private record Snapshot(String id, List<AddressSpace> spaces, Instant until) {
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Organisation organisation;

    @Activate
    public RecipientRouter(BundleContext context) {
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
    }

    /** For tests: a router with these services bound. */
    RecipientRouter(String serverName, Directory directory, Organisation organisation) {
        this.serverName = serverName;
        this.directory = directory;
        this.organisation = organisation;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addGateway(Gateway g) {
        synchronized (membership) {
            gateways.add(g);
        }
        Snapshot s = snapshot(g, null);
        if (s != null) {
            synchronized (membership) {
                departed.remove(s.id()); // back (an update): it serves its spaces as they are now
            }
        }
    }

    void removeGateway(Gateway g) {
        // departed first: a routing between the two steps would otherwise find the gateway in
        // neither, and send its mail by SMTP (to a domain that may not exist: a bounce)
        synchronized (membership) {
            Snapshot last = seen.get(g);
            if (last != null && !last.spaces().isEmpty()) {
                departed.put(last.id(), new Snapshot(last.id(), last.spaces(), Instant.now().plus(DEPARTED_GRACE)));
            }
            gateways.remove(g);
            seen.remove(g);
        }
    }

    /**
     * Reads a gateway's id and spaces; on failure answers {@code before}, what was read before
     * (taken with the list of bound gateways: a gateway removed while it is asked is no longer in
     * {@link #seen}, and its departed entry may be newer than the caller's list).
     */
    private Snapshot snapshot(Gateway g, Snapshot before) {
        try {
            List<AddressSpace> s = g.addressSpaces();
            Snapshot now = new Snapshot(g.id(), s == null ? List.of() : List.copyOf(s), null);
            synchronized (membership) {
                if (gateways.contains(g)) { // not one removed meanwhile: its entry would outlive it, and its class loader
                    seen.put(g, now);
                }
            }
            return now;
        } catch (RuntimeException | LinkageError e) {
            return before; // a gateway being stopped must not stop routing, nor send its mail elsewhere
        }
    }

    String serverName() {
        return serverName;
    }

    @Override
    public Verdict checkRecipient(MailAddress sender, MailAddress recipient, boolean authenticated) {
        Directory d = directory;
        if (d == null) {
            return Verdict.defer("4.3.0", "directory unavailable, try again later");
        }
        return switch (d.resolve(recipient)) {
            case Resolution.Mailbox m -> Verdict.accept();
            case Resolution.Expansion e -> Verdict.accept();
            case Resolution.Unknown u -> Verdict.reject(550, "5.1.1", "<" + recipient + ">: mailbox unavailable");
            case Resolution.Foreign f -> Verdict.accept();
            case Resolution.NotLocal n -> authenticated ? Verdict.accept()
                    : Verdict.reject(554, "5.7.1", "<" + recipient + ">: relay access denied");
        };
    }

    /** Expands one recipient to its final routes. */
    Routing route(MailAddress recipient) {
        Directory d = directory;
        if (d == null) {
            return Routing.defer("4.3.0", "directory unavailable");
        }
        List<Route> routes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<MailAddress> level = new ArrayDeque<>(List.of(recipient));
        int depth = 0;
        while (!level.isEmpty()) {
            if (depth++ > MAX_DEPTH) {
                return Routing.fail("5.4.6", "alias or list expansion deeper than " + MAX_DEPTH + " levels (loop?)");
            }
            Deque<MailAddress> next = new ArrayDeque<>();
            for (MailAddress a : level) {
                if (!seen.add(a.lookupKey())) {
                    continue; // reached twice: deliver once, and cycles end here
                }
                if (seen.size() > MAX_EXPANSION) {
                    return Routing.fail("5.3.4", "expansion exceeds " + MAX_EXPANSION + " addresses");
                }
                switch (d.resolve(a)) {
                    case Resolution.Mailbox m -> routes.add(serverName.equalsIgnoreCase(m.user().homeServer())
                            ? new Route(a, "local", m.user().id())
                            : new Route(a, "internal", m.user().homeServer()));
                    case Resolution.Expansion e -> next.addAll(e.members());
                    case Resolution.Unknown u -> {
                        if (a.equals(recipient)) {
                            return Routing.fail("5.1.1", "mailbox unavailable");
                        }
                        // an alias member that no longer exists: skip it, deliver to the rest
                    }
                    case Resolution.NotLocal n -> routes.add(remote(a));
                    case Resolution.Foreign f -> {
                        Routing r = foreign(a, f);
                        if (!r.routes().isEmpty()) {
                            routes.addAll(r.routes());
                        } else if (a.equals(recipient)) {
                            return r;
                        } else {
                            // as a member that no longer exists: the rest of the list gets it
                            LOG.warn("list member <{}> skipped: {}", a, r.diagnostic());
                        }
                    }
                }
            }
            level = next;
        }
        if (routes.isEmpty()) {
            return Routing.fail("5.1.1", "no deliverable members");
        }
        return Routing.of(routes);
    }

    /**
     * Gateways whose SMTP address space matches, cheapest first (the others as fallbacks);
     * else the organisation's Internet gateway server over the internal transport, if this
     * is not it; else SMTP.
     */
    private Route remote(MailAddress a) {
        List<Route> viaGateways = gatewayRoutes(a, "SMTP", a.toString(), null);
        if (!viaGateways.isEmpty()) {
            return first(viaGateways);
        }
        Organisation org = organisation;
        Optional<String> relay = org == null ? Optional.empty()
                : org.internetGateway().filter(gw -> org.server(gw).isPresent());
        return relay.isPresent() ? new Route(a, "internal", relay.get())
                : new Route(a, "smtp", a.domain().ascii());
    }

    /** A custom recipient: only a gateway serving its address type and address can take it. */
    private Routing foreign(MailAddress a, Resolution.Foreign f) {
        List<Route> routes = gatewayRoutes(a, f.type(), f.address(), f.toString());
        if (routes.isEmpty()) {
            // no gateway serves it, nor left within the grace (an update would be waited for)
            return Routing.fail("5.4.4", "no gateway serves address type " + f.type() + " for " + f.address());
        }
        return Routing.of(List.of(first(routes)));
    }

    /**
     * One route per matching gateway, cheapest first, ties by id so the choice is stable; a
     * gateway that went away within {@link #DEPARTED_GRACE} still counts (its agent is absent,
     * so the mail waits for its return instead of leaving by another way).
     */
    private List<Route> gatewayRoutes(MailAddress a, String type, String address, String destination) {
        record Match(String id, int cost) {
        }
        Map<String, Match> matches = new java.util.HashMap<>();
        List<Snapshot> candidates = new ArrayList<>();
        List<Gateway> bound;
        List<Snapshot> before = new ArrayList<>();
        List<Snapshot> gone;
        Instant now = Instant.now();
        // all read at one moment: an update's remove and add between two reads found it in neither
        synchronized (membership) {
            departed.values().removeIf(d -> d.until().isBefore(now));
            bound = List.copyOf(gateways);
            for (Gateway g : bound) {
                before.add(seen.get(g));
            }
            gone = List.copyOf(departed.values());
        }
        for (int i = 0; i < bound.size(); i++) {
            Snapshot s = snapshot(bound.get(i), before.get(i));
            if (s != null) {
                candidates.add(s);
            }
        }
        candidates.addAll(gone);
        for (Snapshot s : candidates) {
            for (AddressSpace space : s.spaces()) {
                if (space.matches(type, address)) {
                    matches.merge(s.id(), new Match(s.id(), space.cost()),
                            (x, y) -> x.cost() <= y.cost() ? x : y);
                }
            }
        }
        return matches.values().stream()
                .sorted(java.util.Comparator.comparingInt(Match::cost).thenComparing(Match::id))
                .map(m -> new Route(a, "gateway:" + m.id(), destination != null ? destination : m.id()))
                .toList();
    }

    /** Whether a gateway is bound now, or went away so recently that its mail waits for it. */
    boolean knownGateway(String id) {
        return seen.values().stream().anyMatch(s -> s.id().equals(id)) || departed.containsKey(id);
    }

    private static Route first(List<Route> routes) {
        Route r = routes.get(0);
        return new Route(r.finalAddress(), r.transport(), r.destination(), routes.subList(1, routes.size()));
    }

    /** The gateways bound now, for the gateway: commands. */
    List<Gateway> gateways() {
        return List.copyOf(gateways);
    }

    /** What the Directory says an address is, for gateway:test; null without a directory. */
    Resolution resolve(MailAddress a) {
        Directory d = directory;
        return d == null ? null : d.resolve(a);
    }
}
