package org.postrider.runtime.status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code postrider:refresh}: the libraries (api, kit, lineserver, mapi, in bundle/) are not
 * watched by FileInstall, and a bundle updated in place keeps serving the bundles wired to
 * its old revision until they are refreshed. This re-reads the named bundles from their jars
 * and refreshes them with every bundle wired to them, each stopped and started again as an
 * update of its own would be (the queue, the store and the listeners keep their promises
 * across a stop), then waits until the server is ready again.
 */
@Component(immediate = true, service = RefreshCommand.class, property = {
    "osgi.command.scope=postrider",
    "osgi.command.function=refresh",
})
public class RefreshCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshCommand.class);
    private static final long WAIT_SECONDS = 120;

    private final BundleContext context;
    private final ServerState state;

    @Activate
    public RefreshCommand(BundleContext context, @Reference ServerState state) {
        this.context = context;
        this.state = state;
    }

    @Descriptor("re-read bundles from their jars and refresh them and every bundle wired to them; with no name, "
            + "refresh what earlier updates left wired to old revisions")
    public String refresh(@Descriptor("symbolic names or ids, e.g. org.postrider.kit") String... names)
            throws BundleException, InterruptedException {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        Set<Bundle> roots = new LinkedHashSet<>(wiring.getRemovalPendingBundles());
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            Bundle b = find(n);
            LOG.info("postrider:refresh: updating {} {} from {}", b.getSymbolicName(), b.getVersion(), b.getLocation());
            b.update();
            sb.append("updated ").append(b.getSymbolicName()).append(" to ").append(b.getVersion()).append('\n');
            roots.add(b);
        }
        if (roots.isEmpty()) {
            return sb.append("nothing to refresh: no bundle is wired to an old revision").toString();
        }
        Collection<Bundle> closure = wiring.getDependencyClosure(roots);
        List<String> affected = new ArrayList<>();
        closure.forEach(b -> affected.add(b.getSymbolicName()));
        affected.sort(null);
        sb.append("refreshing ").append(closure.size()).append(" bundles: ").append(String.join(" ", affected))
                .append('\n');
        LOG.info("postrider:refresh: refreshing {}", affected);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(roots, e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        if (closure.contains(context.getBundle())) {
            // this command's own bundle restarts (an api update): the session ends with it
            return sb.append("this admin channel restarts with them: follow with postrider:ready").toString();
        }
        if (!done.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            return sb.append("still refreshing after ").append(WAIT_SECONDS).append(" s").toString();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        ServerState.Report r = state.check();
        while (!r.ready() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = state.check();
        }
        LOG.info("postrider:refresh: done, {}", r.ready() ? "ready" : "not ready: " + r.problems());
        return sb.append(r.ready() ? "refreshed; ready" : "refreshed; NOT READY: " + String.join("; ", r.problems()))
                .toString();
    }

    /** A bundle by id, or by symbolic name (the highest version if several are installed). */
    private Bundle find(String name) {
        if (name.chars().allMatch(Character::isDigit)) {
            Bundle b = context.getBundle(Long.parseLong(name));
            if (b != null) {
                return b;
            }
        }
        Bundle found = null;
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) && (found == null || b.getVersion().compareTo(found.getVersion()) > 0)) {
                found = b;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no bundle " + name);
        }
        return found;
    }
}
