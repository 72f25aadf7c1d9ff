package org.postrider.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

/**
 * The router: resolves recipients through the Directory to a local mailbox, a mailbox on
 * another server of the organisation, a gateway's address space (lowest cost wins) or the
 * internet by SMTP. Aliases and lists expand breadth-first with a depth limit, a fan-out
 * limit and loop detection. Listeners ask it at RCPT time, so unknown local users and
 * relay attempts are refused before anything is accepted.
 */
@Component(service = {Router.class, RecipientRouter.class})
public class RecipientRouter implements Router {
    static final int MAX_DEPTH = 10;
    static final int MAX_EXPANSION = 1000;

    private final String serverName;
    private final List<Gateway> gateways = new CopyOnWriteArrayList<>();

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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addGateway(Gateway g) {
        gateways.add(g);
    }

    void removeGateway(Gateway g) {
        gateways.remove(g);
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
                        if (r.routes().isEmpty()) {
                            // the whole recipient waits, list or not: the gateway may be being
                            // updated, and members already served are not sent again (done)
                            return r;
                        }
                        routes.addAll(r.routes());
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
        Optional<String> relay = org == null ? Optional.empty() : org.internetGateway();
        return relay.isPresent() ? new Route(a, "internal", relay.get())
                : new Route(a, "smtp", a.domain().ascii());
    }

    /** A custom recipient: only a gateway serving its address type and address can take it. */
    private Routing foreign(MailAddress a, Resolution.Foreign f) {
        List<Route> routes = gatewayRoutes(a, f.type(), f.address(), f.toString());
        if (routes.isEmpty()) {
            // a gateway may be on its way (an update): wait for it, the lifetime bounds the wait
            return Routing.defer("4.3.0", "no gateway serves address type " + f.type() + " for " + f.address());
        }
        return Routing.of(List.of(first(routes)));
    }

    /** One route per matching gateway, cheapest first, ties by id so the choice is stable. */
    private List<Route> gatewayRoutes(MailAddress a, String type, String address, String destination) {
        record Match(Gateway gateway, int cost) {
        }
        List<Match> matches = new ArrayList<>();
        for (Gateway g : gateways) {
            int best = Integer.MAX_VALUE;
            for (AddressSpace s : spaces(g)) {
                if (s.cost() < best && s.matches(type, address)) {
                    best = s.cost();
                }
            }
            if (best != Integer.MAX_VALUE) {
                matches.add(new Match(g, best));
            }
        }
        matches.sort(java.util.Comparator.comparingInt(Match::cost).thenComparing(m -> m.gateway().id()));
        return matches.stream()
                .map(m -> new Route(a, "gateway:" + m.gateway().id(), destination != null ? destination : m.gateway().id()))
                .toList();
    }

    private static Route first(List<Route> routes) {
        Route r = routes.get(0);
        return new Route(r.finalAddress(), r.transport(), r.destination(), routes.subList(1, routes.size()));
    }

    /** A gateway's spaces, or none when it throws (a gateway being stopped must not stop routing). */
    private static List<AddressSpace> spaces(Gateway g) {
        try {
            List<AddressSpace> s = g.addressSpaces();
            return s == null ? List.of() : s;
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
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
