package org.postrider.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
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
import org.postrider.api.org.Organisation;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.Router;
import org.postrider.api.track.MessageTracking;
import org.postrider.kit.text.Durations;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.LineServer;
import org.postrider.lineserver.ListenerGroup;
import org.postrider.lineserver.ListenerSettings;
import org.postrider.lineserver.SessionHandler;
import org.postrider.lineserver.TlsCertificates;
import org.postrider.lineserver.TlsMode;
import org.postrider.lineserver.ListenerConfig;
import org.postrider.internal.wire.TrustByFingerprint;

/**
 * The internal transport's listener (implicit TLS, on the shared line server) and what its
 * links in and out share: the certificate, the organisation secret, the registry, the
 * queue. Queue, router, registry and directory are bound dynamically: while one is away
 * links answer temporary failures.
 */
@Component(immediate = true, service = InternalService.class, configurationPid = "org.postrider.internal")
@Designate(ocd = InternalConfig.class)
public class InternalService implements SessionHandler {
    private final InternalConfig config;
    private final String serverName;
    private final TlsCertificates certificates;
    private final OrgSecret secret;
    private final ListenerGroup listeners;
    private final LineServer server;
    private final IncomingDirectory incoming;
    /** Counters of links in: messages acknowledged, of them retransmissions, refused, links refused. */
    final AtomicLong acked = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong nacked = new AtomicLong();
    final AtomicLong refusedLinks = new AtomicLong();
    private volatile SSLContext trustingContext;
    private volatile SSLContext trustingFor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Organisation organisation;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MailQueue queue;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Router router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MessageTracking tracking;

    @Activate
    public InternalService(BundleContext context, InternalConfig config) throws IOException, GeneralSecurityException {
        this(name(context), config, ListenerConfig.SELF_SIGNED_DIR, new ListenerGroup(context));
    }

    private static String name(BundleContext context) {
        String n = context.getProperty("postrider.server.name");
        // as the registry spells it (lower case), or the two sides' HMAC transcripts differ
        return org.postrider.api.org.OrgServer.validName(n != null ? n : "athena");
    }

    /** @param group null for a listener that is not registered as a service (tests) */
    InternalService(String serverName, InternalConfig config, Path selfSignedDir, ListenerGroup group)
            throws IOException, GeneralSecurityException {
        this.config = config;
        if (config.maxFrame() < 4096 || config.maxFrame() > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFrame must be 4096 to 16777216");
        }
        this.serverName = serverName;
        this.certificates = TlsCertificates.of(config.tls_certificate(), config.tls_key(), config.tls_keystore(),
                config.tls_password(), selfSignedDir, serverName);
        this.secret = new OrgSecret(config.secretFile().isBlank() ? OrgSecret.DEFAULT : Path.of(config.secretFile()));
        this.listeners = group;
        this.incoming = IncomingDirectory.claim(secret.file().getParent().resolve("incoming"));
        try {
            this.server = listen(config, group);
        } catch (IOException | RuntimeException e) {
            incoming.close();
            throw e;
        }
    }

    private LineServer listen(InternalConfig config, ListenerGroup group) throws IOException, GeneralSecurityException {
        LineServer s = null;
        if (config.port() >= 0) {
            ListenerSettings settings = new ListenerSettings("internal", "INTERNAL",
                    new InetSocketAddress(config.bind(), config.port()), TlsMode.IMPLICIT, config.maxConnections(),
                    config.maxPerAddress(), Integer.MAX_VALUE, 0, Durations.parse(config.idleTimeout()),
                    Durations.parse(config.preLoginIdleTimeout()), Durations.parse(config.commandDeadline()),
                    Durations.parse(config.shutdownGrace()), Durations.parse(config.authFailureDelay()),
                    config.maxPasswordChecks(), Durations.parse(config.passwordCheckWait()));
            if (group != null) {
                s = group.start(settings, this, serverContext());
            } else {
                s = new LineServer(settings, this, serverContext());
                s.start();
            }
        }
        return s;
    }

    @Deactivate
    void deactivate() {
        if (listeners != null) {
            listeners.close();
        } else if (server != null) {
            server.stop();
        }
        incoming.close(); // after the sessions: their files are gone with them
    }

    /** For tests: the services SCR would bind. */
    /** For tests: the journal TRACK questions are answered from. */
    void bindTracking(MessageTracking t) {
        this.tracking = t;
    }

    void bind(Organisation org, MailQueue q, Router r, Directory d) {
        this.organisation = org;
        this.queue = q;
        this.router = r;
        this.directory = d;
    }

    /** The listener's contexts: the current certificate, client certificates asked for and judged by fingerprint. */
    private Supplier<SSLContext> serverContext() {
        return this::trusting;
    }

    /** A context with the current certificate that trusts by fingerprint, made again when the certificate changes. */
    SSLContext trusting() {
        SSLContext current = certificates.get();
        if (current == null) {
            return null;
        }
        if (trustingFor != current) {
            synchronized (this) {
                if (trustingFor != current) {
                    try {
                        trustingContext = certificates.withTrust(TrustByFingerprint.INSTANCE);
                        trustingFor = current;
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("cannot make the internal transport's TLS context", e);
                    }
                }
            }
        }
        return trustingContext;
    }

    @Override
    public void prepareTls(SSLSocket socket) {
        socket.setWantClientAuth(true); // a server link may prove itself by its certificate (spec 4.1)
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new InternalSession(connection, this).run();
    }

    @Override
    public String refusal(String reason) {
        return reason; // never sent: the listener is implicit TLS
    }

    InternalConfig config() {
        return config;
    }

    String serverName() {
        return serverName;
    }

    /** Where typed messages' streams wait while they arrive: this instance's own folder of data/internal/incoming/. */
    java.nio.file.Path incoming() {
        return incoming.path();
    }

    OrgSecret secret() {
        return secret;
    }

    Organisation organisation() {
        return organisation;
    }

    /** This server's message-tracking journal, or null while no queue offers one. */
    MessageTracking tracking() {
        return tracking;
    }

    MailQueue queue() {
        return queue;
    }

    Router router() {
        return router;
    }

    Directory directory() {
        return directory;
    }

    /** The listener, or null when the port is turned off. */
    LineServer server() {
        return server;
    }

    List<LineServer> servers() {
        return server == null ? List.of() : List.of(server);
    }
}
