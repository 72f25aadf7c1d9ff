package org.postrider.lineserver;

import java.io.IOException;
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

    public ListenerGroup(BundleContext context) {
        this.context = context;
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
        for (ServiceRegistration<ListenerInfo> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping and the framework unregistered it already
            }
        }
        registrations.clear();
        servers.parallelStream().forEach(LineServer::stop);
        servers.clear();
    }
}
