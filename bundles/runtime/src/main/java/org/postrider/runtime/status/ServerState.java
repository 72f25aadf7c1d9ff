package org.postrider.runtime.status;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server is ready: every bundle active, every jar in deploy/ installed, every
 * DS component satisfied. Once ready after start it writes the marker {@code ready} into
 * the run directory, which the start script waits for.
 */
@Component(immediate = true, service = ServerState.class)
public class ServerState {
    private static final Logger LOG = LoggerFactory.getLogger(ServerState.class);

    /** The readiness check's answer: ready, or the reasons it is not. */
    public record Report(boolean ready, List<String> problems) {
    }

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final Path marker;
    private volatile long readyAfterMillis = -1;
    private volatile boolean active = true;

    @Activate
    public ServerState(BundleContext context, @Reference ServiceComponentRuntime scr) throws IOException {
        this.context = context;
        this.scr = scr;
        this.marker = RunDir.of(context).resolve("ready");
        Thread.ofVirtual().name("readiness").start(this::awaitReady);
    }

    @Deactivate
    void deactivate() {
        active = false;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (active && System.nanoTime() < deadline) {
            // The cheap checks first: this runs 40 times a second while the start goes on, on
            // the same cores, and the full check builds a DTO of every component.
            if (bundlesActive() && undeployedJars().isEmpty() && check().ready()) {
                readyAfterMillis = ManagementFactory.getRuntimeMXBean().getUptime();
                writeMarker();
                LOG.info("Postrider ready {} ms after JVM start", readyAfterMillis);
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (active) {
            LOG.error("Postrider not ready after 120 s: {}", check().problems());
        }
    }

    private boolean bundlesActive() {
        for (Bundle b : context.getBundles()) {
            if (b.getState() != Bundle.ACTIVE && b.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                return false;
            }
        }
        return true;
    }

    private void writeMarker() {
        try {
            Path tmp = marker.resolveSibling("ready.tmp");
            Files.writeString(tmp, "uptime-ms=" + readyAfterMillis + "\npid=" + ProcessHandle.current().pid() + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.error("Cannot write ready marker {}", marker, e);
        }
    }

    /** JVM uptime when the server first became ready, or -1. */
    public long readyAfterMillis() {
        return readyAfterMillis;
    }

    public Report check() {
        List<String> problems = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                problems.add("bundle " + b.getSymbolicName() + " is " + BundleStates.name(b.getState()));
            }
        }
        problems.addAll(undeployedJars());
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                    problems.add("component " + d.name + " is " + ComponentStates.name(c.state));
                }
            }
        }
        return new Report(problems.isEmpty(), problems);
    }

    private List<String> undeployedJars() {
        List<String> missing = new ArrayList<>();
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null) {
            return missing;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(dir), "*.jar")) {
            for (Path jar : jars) {
                String tail = "/" + Path.of(dir).getFileName() + "/" + jar.getFileName();
                boolean installed = false;
                for (Bundle b : context.getBundles()) {
                    if (b.getLocation().endsWith(tail)) {
                        installed = true;
                        break;
                    }
                }
                if (!installed) {
                    missing.add("deploy/" + jar.getFileName() + " is not installed yet");
                }
            }
        } catch (IOException e) {
            missing.add("cannot list " + dir + ": " + e.getMessage());
        }
        return missing;
    }
}
