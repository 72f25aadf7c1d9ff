package org.postrider.lineserver;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.postrider.sockets.ListeningSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedSockets}' way to the sockets bundle's keeper ({@link ListeningSockets}): the only
 * class of lineserver that refers to that bundle's package. Lineserver imports it optionally,
 * so that it still resolves once the sockets bundle was uninstalled; a revision resolved
 * without it never loads this class, and its sockets are its own, closed once unused.
 */
final class SocketKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(SocketKeeper.class);

    private SocketKeeper() {
    }

    /**
     * The socket a listener of the previous lineserver kept under {@code key}, with the clients
     * accepted on it meanwhile (parked: the new listener serves them first), or null; sockets
     * kept for that listener name on other addresses are closed (its port changed meanwhile).
     */
    static SharedSockets.Shared take(BundleContext context, String name, String key, InetSocketAddress bind) {
        return withKeeper(context, keeper -> take(keeper, name, key, bind));
    }

    private static SharedSockets.Shared take(ListeningSockets keeper, String name, String key,
            InetSocketAddress bind) {
        for (String other : keeper.keys()) {
            if (other.startsWith(name + " ") && !other.equals(key)) {
                ListeningSockets.Kept moved = keeper.take(other);
                if (moved != null) {
                    closeQuietly(moved.socket());
                    moved.accepted().forEach(SocketKeeper::closeQuietly);
                }
            }
        }
        ListeningSockets.Kept k = keeper.take(key);
        if (k == null) {
            return null;
        }
        if (k.socket().isClosed()) {
            k.accepted().forEach(SocketKeeper::closeQuietly);
            return null;
        }
        SharedSockets.Shared s = new SharedSockets.Shared(name, bind, k.socket());
        for (Socket c : k.accepted()) {
            s.parked.add(new SharedSockets.Parked(c, null));
        }
        LOG.info("{}: taking over the listening socket on {} from the previous lineserver ({} clients waiting)",
                name, bind, k.accepted().size());
        return s;
    }

    /** Hands the socket and its parked clients to the keeper for {@code linger}; false if there is none, or it failed. */
    static boolean keep(BundleContext context, SharedSockets.Shared s, Duration linger) {
        Boolean kept = withKeeper(context, keeper -> {
            List<Socket> accepted = s.parked.stream().map(SharedSockets.Parked::client).toList();
            keeper.keep(s.name + " " + s.bind, new ListeningSockets.Kept(s.socket, accepted), linger);
            return true;
        });
        return kept != null;
    }

    /**
     * Runs {@code use} with the keeper service, got and released around it; null without one,
     * or if it failed. It is looked up through {@code context} if given (tests), else through
     * the sockets bundle's own context, which is there whenever the keeper is: lineserver's may
     * not be yet, as a refresh starts its bundles in an order of its own and a protocol bundle
     * may start its listeners before lineserver's activator ran.
     */
    private static <T> T withKeeper(BundleContext context, Function<ListeningSockets, T> use) {
        BundleContext bc = context;
        if (bc == null) {
            Bundle keeperBundle = FrameworkUtil.getBundle(ListeningSockets.class);
            bc = keeperBundle == null ? null : keeperBundle.getBundleContext(); // null once stopped or uninstalled
        }
        if (bc == null) {
            return null;
        }
        ServiceReference<?> ref;
        Object service;
        try {
            ref = bc.getServiceReference(ListeningSockets.class.getName());
            if (ref == null) {
                return null;
            }
            // a keeper of another sockets revision (its ListeningSockets another class) is
            // no keeper for this lineserver: its sockets are closed as without one
            Bundle self = FrameworkUtil.getBundle(SocketKeeper.class);
            if (self != null && !ref.isAssignableTo(self, ListeningSockets.class.getName())) {
                LOG.warn("the socket keeper is of an incompatible sockets bundle: not used");
                return null;
            }
            service = bc.getService(ref);
        } catch (RuntimeException stoppedOrBroken) {
            LOG.warn("the socket keeper could not be got: {}", stoppedOrBroken.toString());
            return null;
        }
        try {
            if (!(service instanceof ListeningSockets keeper)) {
                if (service != null) {
                    LOG.warn("the socket keeper is a {}, not a ListeningSockets of this lineserver: not used",
                            service.getClass().getName());
                }
                return null;
            }
            return use.apply(keeper);
        } catch (RuntimeException e) {
            LOG.warn("the socket keeper failed: {}", e.toString());
            return null;
        } finally {
            try {
                bc.ungetService(ref);
            } catch (RuntimeException stopped) {
                // released with this bundle anyway
            }
        }
    }

    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("closing a socket failed", e);
        }
    }
}
