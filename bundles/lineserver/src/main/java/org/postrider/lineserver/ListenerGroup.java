package org.postrider.lineserver;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.postrider.api.server.ListenerInfo;

/**
 * The listeners of one protocol component: each is started and registered as a
 * {@link ListenerInfo} service (so status commands list it), and all are unregistered and
 * stopped together, gracefully and in parallel, when the component goes. They count failed
 * logins, sessions per user and password hashes together, so that switching ports gains a
 * client nothing.
 */
public final class ListenerGroup implements AutoCloseable {
    private final BundleContext context;
    private final List<LineServer> servers = new ArrayList<>();
    private final List<ServiceRegistration<ListenerInfo>> registrations = new ArrayList<>();
    private final UserSessions users = new UserSessions();
    private AuthThrottle throttle;
    private PasswordChecks passwordChecks;
    private final ListenerConfig common;
    private final TlsCertificates certificates;

    /** A group whose listeners are started with {@link #start(ListenerSettings, SessionHandler, Supplier)}. */
    public ListenerGroup(BundleContext context) {
        this.context = context;
        this.common = null;
        this.certificates = null;
    }

    /**
     * A group whose listeners share {@code common} and its certificate source (made once
     * here, for {@code hostName} if self-signed); start them with {@link #open}.
     */
    public ListenerGroup(BundleContext context, ListenerConfig common, String hostName)
            throws IOException, GeneralSecurityException {
        this(context, common, ListenerConfig.SELF_SIGNED_DIR, hostName);
    }

    /** With the self-signed certificate elsewhere, for tests. */
    ListenerGroup(BundleContext context, ListenerConfig common, Path selfSignedDir, String hostName)
            throws IOException, GeneralSecurityException {
        this.context = context;
        this.common = common;
        this.certificates = common.certificates(selfSignedDir, hostName);
    }

    /** One of a protocol's ports: a port of -1 means the configuration turned it off. */
    public record Port(String name, int port, TlsMode tls, SessionHandler handler) {
    }

    /**
     * Starts the ports that are not turned off, with the group's common settings and
     * certificate; if one cannot be bound, the ones already started are stopped again.
     */
    public void open(Port... ports) throws IOException {
        if (common == null) {
            throw new IllegalStateException("a group without common settings");
        }
        try {
            for (Port p : ports) {
                if (p.port() >= 0) {
                    start(common.listener(p.name(), p.port(), p.tls()), p.handler(), certificates);
                }
            }
        } catch (IOException | RuntimeException e) {
            close(false); // the component fails to start: nothing it bound is kept
            throw e;
        }
    }

    /** Binds a listener and registers it; on failure the caller should {@link #close()} the group. */
    public LineServer start(ListenerSettings settings, SessionHandler handler, Supplier<SSLContext> tls)
            throws IOException {
        if (throttle == null) {
            throttle = new AuthThrottle(settings.authFailureDelay());
            passwordChecks = new PasswordChecks(settings.maxPasswordChecks(), settings.passwordCheckWait());
        }
        LineServer server = new LineServer(settings, handler, tls, throttle, users, passwordChecks);
        server.start();
        servers.add(server);
        registrations.add(context.registerService(ListenerInfo.class, server, null));
        return server;
    }

    public List<LineServer> servers() {
        return List.copyOf(servers);
    }

    @Override
    public void close() {
        close(true);
    }

    /** @param keepSockets false to release the ports at once instead of keeping them for the next listeners */
    private void close(boolean keepSockets) {
        for (ServiceRegistration<ListenerInfo> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping and the framework unregistered it already
            }
        }
        registrations.clear();
        servers.parallelStream().forEach(server -> server.stop(keepSockets));
        servers.clear();
    }
}
