package org.postrider.lineserver;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * When the lineserver bundle itself stops (updated and refreshed), the listening sockets go
 * to the keeper of the sockets bundle for the next lineserver's listeners (without a
 * keeper they are closed as soon as unused: a client waiting in a backlog nobody will accept
 * from would only be reset). Its threads (the watchdog, the linger's timer) run only while a
 * listener runs or a socket lingers ({@link DemandScheduler}), so none is left once this stop
 * and its listeners' are done.
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
