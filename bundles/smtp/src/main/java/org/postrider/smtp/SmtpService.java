package org.postrider.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postrider.api.directory.Directory;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.Router;
import org.postrider.kit.text.Durations;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.LineServer;
import org.postrider.lineserver.ListenerConfig;
import org.postrider.lineserver.ListenerGroup;
import org.postrider.lineserver.SessionHandler;
import org.postrider.lineserver.TlsMode;
import org.postrider.smtp.command.Auth;
import org.postrider.smtp.command.Bdat;
import org.postrider.smtp.command.Data;
import org.postrider.smtp.command.Ehlo;
import org.postrider.smtp.command.Expn;
import org.postrider.smtp.command.Helo;
import org.postrider.smtp.command.Help;
import org.postrider.smtp.command.Mail;
import org.postrider.smtp.command.Noop;
import org.postrider.smtp.command.Quit;
import org.postrider.smtp.command.Rcpt;
import org.postrider.smtp.command.Rset;
import org.postrider.smtp.command.SmtpCommand;
import org.postrider.smtp.command.StartTls;
import org.postrider.smtp.command.Vrfy;

/**
 * The SMTP server: inbound (MX) with STARTTLS, submission with STARTTLS and AUTH required,
 * and submission with implicit TLS, on the shared line server. Queue, router and directory
 * are bound dynamically: while one is being updated, clients get a temporary error.
 */
@Component(immediate = true, service = SmtpService.class, configurationPid = "org.postrider.smtp")
@Designate(ocd = SmtpConfig.class)
public class SmtpService {
    /** What a listener is for. */
    enum Port { MX, SUBMISSION, SUBMISSIONS }

    private final SmtpConfig config;
    private final String hostName;
    private final Map<String, SmtpCommand> commands = new LinkedHashMap<>();
    private final ListenerGroup listeners;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MailQueue queue;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Router router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    @Activate
    public SmtpService(BundleContext context, SmtpConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        String n = context.getProperty("postrider.server.name");
        this.hostName = !config.hostName().isBlank() ? config.hostName() : n != null ? n : "athena";
        for (SmtpCommand c : List.of(new Ehlo(), new Helo(), new StartTls(), new Auth(), new Mail(), new Rcpt(),
                new Data(), new Bdat(), new Rset(), new Noop(), new Vrfy(), new Expn(), new Help(), new Quit())) {
            commands.put(c.verb(), c);
        }
        this.listeners = new ListenerGroup(context, ListenerConfig.from("SMTP", config), hostName);
        listeners.open(new ListenerGroup.Port("smtp", config.port(), TlsMode.STARTTLS, handler(Port.MX)),
                new ListenerGroup.Port("submission", config.submissionPort(), TlsMode.STARTTLS,
                        handler(Port.SUBMISSION)),
                new ListenerGroup.Port("submissions", config.submissionsPort(), TlsMode.IMPLICIT,
                        handler(Port.SUBMISSIONS)));
    }

    private SessionHandler handler(Port port) {
        return new SessionHandler() {
            @Override
            public void serve(Connection connection) throws IOException {
                new SmtpSession(connection, SmtpService.this, port).run();
            }

            @Override
            public String refusal(String reason) {
                return "421 4.7.0 " + hostName + " " + reason;
            }
        };
    }

    /** The listeners, for the smtp: commands. */
    public List<LineServer> servers() {
        return listeners.servers();
    }

    @Deactivate
    void deactivate() {
        listeners.close();
    }

    /** The filter messages pass through into the queue; on submission ports it adds Message-ID and Date. */
    public HeaderFilter headerFilter(OutputStream queueContent, boolean submission) {
        return new HeaderFilter(queueContent, config.maxHeaderSize(), submission ? hostName : null);
    }

    /** Message text begins: the whole of it under the data deadline and minimum rate. */
    public void beginData(Connection c) {
        c.beginData(Durations.parse(config.dataDeadline()), Math.max(0, config.dataMinRate()),
                Durations.parse(config.dataRateGrace()));
    }

    public Map<String, SmtpCommand> commands() {
        return commands;
    }

    public SmtpConfig config() {
        return config;
    }

    public String hostName() {
        return hostName;
    }

    public String postmasterDomain() {
        return config.postmasterDomain();
    }

    public MailQueue queue() {
        return queue;
    }

    public Router router() {
        return router;
    }

    public Directory directory() {
        return directory;
    }
}
