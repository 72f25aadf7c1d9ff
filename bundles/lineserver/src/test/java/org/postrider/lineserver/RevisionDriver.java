package org.postrider.lineserver;

import java.io.IOException;
import org.osgi.framework.BundleContext;

/**
 * Loaded by {@link LineserverRevisionsTest}'s class loader of one lineserver revision (its
 * classes and static state of its own, as a refresh makes): drives that revision's bundle
 * start and stop, and protocol listeners on it, through JDK types only.
 */
public final class RevisionDriver implements LineserverRevisionsTest.Revision {
    private final LineserverActivator activator = new LineserverActivator();

    @Override
    public void start() {
        activator.start(null); // the activator uses no context
    }

    @Override
    public void stop() {
        activator.stop(null);
    }

    @Override
    public void keeperIn(Object context) {
        SharedSockets.keeperIn((BundleContext) context);
    }

    @Override
    public AutoCloseable listen(String name, int port, String greeting) throws IOException {
        LineServer s = Greeter.start(name, port, greeting);
        return s::stop;
    }
}
