package org.postrider.internal;

import java.time.Duration;
import java.time.Instant;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.org.OrgServer;
import org.postrider.api.org.Organisation;
import org.postrider.kit.gogo.CommandRegistrar;
import org.postrider.lineserver.LineServer;
import org.postrider.lineserver.SessionInfo;

/** The {@code internal:} Gogo scope. */
@Component(immediate = true, service = {})
public class InternalCommands {
    private final InternalService service;
    private final InternalDelivery delivery;
    private final CommandRegistrar registrar;

    @Activate
    public InternalCommands(BundleContext context, @Reference InternalService service,
            @Reference InternalDelivery delivery) {
        this.service = service;
        this.delivery = delivery;
        this.registrar = CommandRegistrar.register(context, "internal", this);
    }

    @Deactivate
    void deactivate() {
        registrar.close();
    }

    @Descriptor("the organisation's servers with the state of the link out to each (open, failing, none), how it "
            + "authenticated, messages in flight and counters (delivered, deferred, failed recipients, connects); "
            + "then the links in, and the listener's counters")
    public String links() {
        StringBuilder sb = new StringBuilder();
        Organisation org = service.organisation();
        sb.append("this server: ").append(service.serverName()).append(", secret ")
                .append(service.secret().get() == null ? "UNUSABLE " : "").append(service.secret().file()).append('\n');
        if (org == null) {
            sb.append("organisation registry: not available\n");
        } else {
            sb.append(String.format("%-16s %-24s %-10s %-11s %8s %9s %8s %6s %8s%n", "peer", "address", "state", "auth",
                    "inflight", "delivered", "deferred", "failed", "connects"));
            for (OrgServer s : org.servers()) {
                if (s.name().equals(service.serverName())) {
                    continue;
                }
                InternalDelivery.Peer p = delivery.peers().get(s.name());
                String state = "none";
                String auth = "";
                int inflight = 0;
                String error = null;
                if (p != null) {
                    p.lock.lock();
                    try {
                        if (p.link != null && p.link.usable()) {
                            state = "open";
                            auth = p.link.method();
                            inflight = p.link.inFlight();
                        } else if (p.lastError != null) {
                            state = "failing";
                            error = p.lastError;
                        } else if (p.link != null) {
                            state = "closed";
                            error = p.link.failure();
                        }
                    } finally {
                        p.lock.unlock();
                    }
                }
                sb.append(String.format("%-16s %-24s %-10s %-11s %8d %9d %8d %6d %8d%n", s.name(),
                        s.host() + ":" + s.port(), state, auth, inflight, p == null ? 0 : p.delivered.get(),
                        p == null ? 0 : p.deferred.get(), p == null ? 0 : p.failed.get(),
                        p == null ? 0 : p.connects.get()));
                if (error != null) {
                    sb.append("    last error: ").append(error).append('\n');
                }
            }
            sb.append("internet gateway: ").append(org.internetGateway().orElse("(this server sends by SMTP)"))
                    .append('\n');
        }
        for (LineServer l : service.servers()) {
            int[] c = l.counters();
            sb.append(String.format("listener %s:%d open=%d accepted=%d refused=%d%n",
                    l.address().getAddress().getHostAddress(), l.address().getPort(), l.activeConnections(), c[0], c[1]));
            for (SessionInfo i : l.sessions()) {
                sb.append(String.format("  in  %-22s %6ds %s%n",
                        i.remote().getAddress().getHostAddress() + ":" + i.remote().getPort(),
                        Duration.between(i.since(), Instant.now()).toSeconds(),
                        i.user() == null ? "(authenticating)" : i.user()));
            }
        }
        sb.append(String.format("in: acked=%d retransmissions=%d refused=%d links refused=%d%n", service.acked.get(),
                service.duplicates.get(), service.nacked.get(), service.refusedLinks.get()));
        return sb.toString();
    }

    @Descriptor("connect to a server of the organisation on a new link, authenticate (certificate pin or HMAC), "
            + "make a round trip (PING/PONG) and report the times; fails with the reason (unreachable, not the "
            + "registered certificate, wrong secret, unknown to the peer)")
    public String test(@Descriptor("the server's name, as in org.postrider.org servers") String peer)
            throws Exception {
        return delivery.test(peer);
    }
}
