package org.postrider.smtp;

import java.time.Duration;
import java.time.Instant;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.postrider.smtp.client.SmtpDelivery;
import org.postrider.kit.gogo.CommandRegistrar;
import org.postrider.lineserver.LineServer;
import org.postrider.lineserver.SessionInfo;

/** The {@code smtp:} Gogo scope. */
@Component(immediate = true, service = {})
public class SmtpCommands {
    private final SmtpService smtp;
    private final CommandRegistrar registrar;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SmtpDelivery out;

    @Activate
    public SmtpCommands(BundleContext context, @Reference SmtpService smtp) {
        this.smtp = smtp;
        this.registrar = CommandRegistrar.register(context, "smtp", this);
    }

    @Deactivate
    void deactivate() {
        registrar.close();
    }

    @Descriptor("list the open SMTP sessions: listener, client, age, TLS, authenticated user")
    public String sessions() {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (LineServer s : smtp.servers()) {
            for (SessionInfo i : s.sessions()) {
                sb.append(String.format("%-12s %-22s %6ds %-4s %s%n", i.listener(),
                        i.remote().getAddress().getHostAddress() + ":" + i.remote().getPort(),
                        Duration.between(i.since(), Instant.now()).toSeconds(), i.secure() ? "tls" : "",
                        i.user() == null ? "" : i.user()));
                n++;
            }
        }
        return sb.append(n).append(" sessions\n").toString();
    }

    @Descriptor("show each SMTP listener: address, TLS mode, open, accepted and refused connections")
    public String listeners() {
        StringBuilder sb = new StringBuilder();
        for (LineServer s : smtp.servers()) {
            int[] c = s.counters();
            sb.append(String.format("%-12s %s:%d tls=%s open=%d accepted=%d refused=%d%n", s.name(),
                    s.address().getAddress().getHostAddress(), s.address().getPort(), s.tls(), s.activeConnections(),
                    c[0], c[1]));
        }
        return sb.toString();
    }

    @Descriptor("counters since start: connections in (accepted, refused), password checks (most at once, refused for want of a slot) and sessions out (opened, reused, idle)")
    public String stats() {
        int accepted = 0;
        int refused = 0;
        int open = 0;
        for (LineServer s : smtp.servers()) {
            accepted += s.counters()[0];
            refused += s.counters()[1];
            open += s.activeConnections();
        }
        StringBuilder sb = new StringBuilder().append("in.open:      ").append(open)
                .append("\nin.accepted:  ").append(accepted).append("\nin.refused:   ").append(refused).append('\n');
        if (!smtp.servers().isEmpty()) { // the listeners share their password-hash slots
            org.postrider.lineserver.PasswordChecks p = smtp.servers().get(0).passwordChecks();
            sb.append("auth.checks.max:  ").append(p.max()).append("\nauth.checks.peak: ").append(p.peak())
                    .append("\nauth.checks.busy: ").append(p.refused()).append('\n');
        }
        SmtpDelivery o = out;
        if (o != null) {
            long[] c = o.sessionCounters();
            sb.append("out.opened:   ").append(c[0]).append("\nout.reused:   ").append(c[1])
                    .append("\nout.idle:     ").append(c[2]).append('\n');
        }
        return sb.toString();
    }
}
