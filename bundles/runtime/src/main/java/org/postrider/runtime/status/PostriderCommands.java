package org.postrider.runtime.status;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.postrider.api.directory.Directory;
import org.postrider.api.dns.DnsResolver;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.Router;
import org.postrider.api.server.ListenerInfo;
import org.postrider.api.store.MailStore;

/** The {@code postrider:} Gogo scope: the server as a whole. */
@Component(immediate = true, service = PostriderCommands.class, property = {
    "osgi.command.scope=postrider",
    "osgi.command.function=status",
    "osgi.command.function=ready",
    "osgi.command.function=listeners",
    "osgi.command.function=contracts",
})
public class PostriderCommands {
    private final BundleContext context;
    private final ServerState state;
    private final ServiceComponentRuntime scr;
    private final List<ListenerInfo> listeners = new CopyOnWriteArrayList<>();

    // Which bundle implements each contract. Dynamic and greedy, as every consumer of a
    // swappable service is: an updated provider is rebound without reactivating this.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceReference<MailQueue> queue;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceReference<Router> router;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceReference<MailStore> store;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceReference<Directory> directory;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceReference<DnsResolver> dns;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<DeliveryAgent>> agents;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<Gateway>> gateways;

    @Activate
    public PostriderCommands(BundleContext context, @Reference ServerState state,
            @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.state = state;
        this.scr = scr;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(ListenerInfo l) {
        listeners.add(l);
    }

    void removeListener(ListenerInfo l) {
        listeners.remove(l);
    }

    @Descriptor("show the server: versions, readiness, bundles, components and listeners")
    public String status() {
        StringBuilder sb = new StringBuilder();
        Bundle fw = context.getBundle(0);
        sb.append("Postrider ").append(version()).append(" (server ").append(serverName()).append(")")
                .append(" on Java ").append(Runtime.version()).append(", Felix ").append(fw.getVersion())
                .append('\n');
        ServerState.Report r = state.check();
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        sb.append("state: ").append(r.ready() ? "ready" : "NOT READY");
        if (state.readyAfterMillis() >= 0) {
            sb.append(" (ready ").append(state.readyAfterMillis()).append(" ms after JVM start)");
        }
        sb.append(", uptime ").append(Duration.ofMillis(uptime).toSeconds()).append(" s\n");
        for (String p : r.problems()) {
            sb.append("  problem: ").append(p).append('\n');
        }
        sb.append("\nbundles:\n");
        for (Bundle b : context.getBundles()) {
            sb.append(String.format("  %3d %-9s %s %s%n", b.getBundleId(), BundleStates.name(b.getState()),
                    b.getSymbolicName(), b.getVersion()));
        }
        sb.append("\ncomponents:\n");
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            var configs = scr.getComponentConfigurationDTOs(d);
            String st = configs.isEmpty() ? "NO_CONFIGURATION" : ComponentStates.name(configs.iterator().next().state);
            if (configs.size() > 1) {
                st += " x" + configs.size();
            }
            sb.append(String.format("  %-12s %s%n", st, d.name));
        }
        sb.append("\n").append(contracts());
        sb.append("\n").append(listeners());
        return sb.toString();
    }

    @Descriptor("show which bundle implements each Postrider contract")
    public String contracts() {
        StringBuilder sb = new StringBuilder("contracts:\n");
        provider(sb, "MailQueue", queue);
        provider(sb, "Router", router);
        provider(sb, "MailStore", store);
        provider(sb, "Directory", directory);
        provider(sb, "DnsResolver", dns);
        List<ServiceReference<DeliveryAgent>> a = agents;
        if (a != null) {
            for (ServiceReference<DeliveryAgent> r : a) {
                provider(sb, "DeliveryAgent[" + r.getProperty(DeliveryAgent.TRANSPORT) + "]", r);
            }
        }
        List<ServiceReference<Gateway>> g = gateways;
        if (g != null) {
            for (ServiceReference<Gateway> r : g) {
                provider(sb, "Gateway", r);
            }
        }
        return sb.toString();
    }

    private static void provider(StringBuilder sb, String contract, ServiceReference<?> ref) {
        Bundle b = ref != null ? ref.getBundle() : null;
        sb.append(String.format("  %-24s %s%n", contract,
                b == null ? "(none)" : b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]"));
    }

    @Descriptor("succeed if the server is ready (every bundle active, every component satisfied), fail with the reasons otherwise")
    public String ready() {
        ServerState.Report r = state.check();
        if (!r.ready()) {
            throw new IllegalStateException("not ready: " + String.join("; ", r.problems()));
        }
        return "ready";
    }

    @Descriptor("list what listens where")
    public String listeners() {
        StringBuilder sb = new StringBuilder("listeners:\n");
        if (listeners.isEmpty()) {
            sb.append("  (none)\n");
        }
        for (ListenerInfo l : listeners) {
            sb.append(String.format("  %-12s %-8s %s:%d tls=%s connections=%d%n", l.name(), l.protocol(),
                    l.address().getAddress().getHostAddress(), l.address().getPort(), l.tls(),
                    l.activeConnections()));
        }
        return sb.toString();
    }

    private String version() {
        return String.valueOf(context.getBundle().getVersion());
    }

    private String serverName() {
        String n = context.getProperty("postrider.server.name");
        return n != null ? n : "unnamed";
    }
}
