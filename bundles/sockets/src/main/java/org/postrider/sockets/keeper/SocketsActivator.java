package org.postrider.sockets.keeper;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.postrider.sockets.ListeningSockets;

/** Registers the keeper; what it keeps is closed when this bundle stops. */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class SocketsActivator implements BundleActivator {
    private KeptSockets sockets;
    private ServiceRegistration<ListeningSockets> registration;

    @Override
    public void start(BundleContext context) {
        sockets = new KeptSockets();
        registration = context.registerService(ListeningSockets.class, sockets, null);
    }

    @Override
    public void stop(BundleContext context) {
        try {
            registration.unregister(); // first: no lineserver hands over a socket that close() then drops
        } catch (IllegalStateException alreadyGone) {
            // unregistered already
        }
        sockets.close();
    }
}
