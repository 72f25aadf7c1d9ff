package org.postrider.runtime.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.osgi.framework.BundleContext;

/**
 * The server's run directory (framework property {@code postrider.run.dir}, default
 * {@code data/run}): the admin socket and the ready marker live there. Kept 0700 so that
 * nothing in it is reachable by other users, even for the instant before a chmod.
 */
public final class RunDir {
    public static final String PROPERTY = "postrider.run.dir";

    private RunDir() {
    }

    public static Path of(BundleContext context) throws IOException {
        String configured = context.getProperty(PROPERTY);
        Path dir = Path.of(configured != null ? configured : "data/run").toAbsolutePath();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }
}
