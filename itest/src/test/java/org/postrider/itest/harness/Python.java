package org.postrider.itest.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a Python 3 script (the standard library's mail clients are the real clients we test with). */
public final class Python {
    private Python() {
    }

    public static Exec.Result run(Path dir, String script, String... args) throws Exception {
        Path file = Files.createTempFile(dir, "script", ".py");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>(List.of("python3", file.toString()));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, dir, Map.of(), Duration.ofSeconds(120));
    }
}
