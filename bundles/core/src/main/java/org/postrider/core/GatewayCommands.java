package org.postrider.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.Resolution;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.kit.gogo.CommandRegistrar;

/** The {@code gateway:} Gogo scope: the gateways bound now, their address spaces, and how an address is routed. */
@Component(immediate = true, service = {})
public class GatewayCommands {
    private final RecipientRouter router;
    private final CoreQueue queue;
    private final CommandRegistrar registrar;

    @Activate
    public GatewayCommands(BundleContext context, @Reference RecipientRouter router, @Reference CoreQueue queue) {
        this.router = router;
        this.queue = queue;
        this.registrar = CommandRegistrar.register(context, "gateway", this);
    }

    @Deactivate
    void deactivate() {
        registrar.close();
    }

    @Descriptor("list the gateways bound now: id, transport, whether the queue has bound it, address spaces")
    public String list() {
        StringBuilder sb = new StringBuilder();
        for (Gateway g : sorted()) {
            String transport = "gateway:" + g.id();
            sb.append(String.format("%-16s %-24s %-9s %s%n", g.id(), transport,
                    queue.agentBound(transport) ? "bound" : "unbound", spaces(g)));
        }
        return sb.isEmpty() ? "no gateways\n" : sb.toString();
    }

    @Descriptor("list every address space of every gateway, by type then cost (lowest is chosen first)")
    public String spaces() {
        record Row(String type, int cost, String pattern, String id) {
        }
        List<Row> rows = new ArrayList<>();
        for (Gateway g : sorted()) {
            for (AddressSpace s : safeSpaces(g)) {
                rows.add(new Row(s.type(), s.cost(), s.pattern(), g.id()));
            }
        }
        rows.sort(Comparator.comparing(Row::type).thenComparingInt(Row::cost).thenComparing(Row::id));
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            sb.append(String.format("%-8s cost %3d  %-40s %s%n", r.type(), r.cost(), r.pattern(), r.id()));
        }
        return sb.isEmpty() ? "no address spaces\n" : sb.toString();
    }

    @Descriptor("show which route an address takes and why: what the directory says, the matching address"
            + " spaces, the route chosen and its fallbacks, and whether each agent is bound")
    public String test(@Descriptor("an e-mail address") String address) {
        MailAddress a;
        try {
            a = MailAddress.parse(address);
        } catch (InvalidAddressException e) {
            return "not an address: " + e.getMessage() + "\n";
        }
        StringBuilder sb = new StringBuilder();
        Resolution r = router.resolve(a);
        sb.append("directory: ").append(describe(r)).append('\n');
        if (r instanceof Resolution.Foreign f) {
            sb.append("address spaces matching ").append(f).append(": ").append(matching(f.type(), f.address()))
                    .append('\n');
        } else if (r instanceof Resolution.NotLocal) {
            sb.append("address spaces matching SMTP:").append(a).append(": ").append(matching("SMTP", a.toString()))
                    .append('\n');
        }
        Routing routing = router.route(a);
        if (routing.failed() || routing.temporary()) {
            sb.append(routing.failed() ? "fails: " : "waits: ").append(routing.code()).append(' ')
                    .append(routing.diagnostic()).append('\n');
            return sb.toString();
        }
        for (Route route : routing.routes()) {
            sb.append("route: <").append(route.finalAddress()).append("> ");
            List<Route> candidates = route.candidates();
            for (int i = 0; i < candidates.size(); i++) {
                Route c = candidates.get(i);
                sb.append(i == 0 ? "" : "; fallback ").append(c.transport()).append(" -> ").append(c.destination())
                        .append(queue.agentBound(c.transport()) ? " (agent bound)" : " (no agent now: mail waits)");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String describe(Resolution r) {
        return switch (r) {
            case null -> "unavailable";
            case Resolution.Mailbox m -> "a mailbox of " + m.user().id() + " on server " + m.user().homeServer();
            case Resolution.Expansion e -> (e.distributionList() ? "distribution list " : "alias ") + e.name()
                    + " with " + e.members().size() + " members";
            case Resolution.Foreign f -> "a custom recipient at " + f;
            case Resolution.Unknown u -> "our domain, but no such address";
            case Resolution.NotLocal n -> "not one of our domains";
        };
    }

    private String matching(String type, String address) {
        List<String> hits = new ArrayList<>();
        for (Gateway g : sorted()) {
            for (AddressSpace s : safeSpaces(g)) {
                if (s.matches(type, address)) {
                    hits.add(g.id() + " (" + s.type() + ":" + s.pattern() + " cost " + s.cost() + ")");
                }
            }
        }
        return hits.isEmpty() ? "none" : String.join(", ", hits);
    }

    private List<Gateway> sorted() {
        List<Gateway> gs = new ArrayList<>(router.gateways());
        gs.sort(Comparator.comparing(Gateway::id));
        return gs;
    }

    private static String spaces(Gateway g) {
        return String.join(" ", safeSpaces(g).stream().map(s -> s.type() + ":" + s.pattern() + "@" + s.cost()).toList());
    }

    private static List<AddressSpace> safeSpaces(Gateway g) {
        try {
            List<AddressSpace> s = g.addressSpaces();
            return s == null ? List.of() : s;
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }
}
