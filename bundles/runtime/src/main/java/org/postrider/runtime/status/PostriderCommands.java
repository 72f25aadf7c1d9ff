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
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.postrider.api.server.ListenerInfo;

/** The {@code postrider:} Gogo scope: the server as a whole. */
@Component(immediate = true, service = PostriderCommands.class, property = {
    "osgi.command.scope=postrider",
    "osgi.command.function=status",
    "osgi.command.function=ready",
    "osgi.command.function=listeners",
})
public class PostriderCommands {
    private final BundleContext context;
    private final ServerState state;
    private final ServiceComponentRuntime scr;
    private final List<ListenerInfo> listeners = new CopyOnWriteArrayList<>();

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
        sb.append("\n").append(listeners());
        return sb.toString();
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
