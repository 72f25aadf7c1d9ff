package org.postrider.itest.harness;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a real-client test needs from the machine. Missing, it fails the test: CI and
 * {@code ./postrider test} install the tools, so a silent skip would hide a test that never
 * ran. A developer without them may set POSTRIDER_ALLOW_MISSING_TOOLS=1 to skip instead.
 */
public final class Required {
    private Required() {
    }

    public static void tool(String path, String why) {
        require(Files.isExecutable(Path.of(path)), "needs " + path + ": " + why);
    }

    public static void root(String why) {
        require("root".equals(System.getProperty("user.name")), "needs root: " + why);
    }

    private static void require(boolean present, String message) {
        if (present) {
            return;
        }
        if ("1".equals(System.getenv("POSTRIDER_ALLOW_MISSING_TOOLS"))) {
            assumeTrue(false, message + " (skipped: POSTRIDER_ALLOW_MISSING_TOOLS=1)");
        }
        fail(message + " (./postrider test installs the tools as root; POSTRIDER_ALLOW_MISSING_TOOLS=1 skips)");
    }
}
