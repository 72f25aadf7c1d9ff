package org.postrider.lineserver;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * When the lineserver bundle itself stops (updated and refreshed), the sockets it kept for
 * the next listener are closed at once: the next lineserver's listeners cannot take them
 * over, and a client that connected to one would wait in its backlog only to be reset.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class LineserverActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        SharedSockets.unretire(); // stopped and started again without a refresh: the same classes hand over again
    }

    @Override
    public void stop(BundleContext context) {
        SharedSockets.closeUnused();
    }
}
