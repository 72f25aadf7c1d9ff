package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postrider.kit.durable.DurableFiles;
import org.postrider.kit.text.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves mailboxes of the first release's layout, where every "." of a domain or local part
 * was escaped (example%2Eorg/alice%2Esmith), to today's plain names (example.org/alice.smith),
 * once, at start: the mail stays where the store looks for it.
 */
final class LayoutMigration {
    private static final Logger LOG = LoggerFactory.getLogger(LayoutMigration.class);

    private LayoutMigration() {
    }

    /** Written once the root is of today's layout, so later starts need not list every mailbox. */
    static final String MARKER = ".postrider-layout-2";

    static void run(Path root) throws IOException {
        Path marker = root.resolve(MARKER);
        if (Files.exists(marker)) {
            return;
        }
        for (Path domain : directories(root)) {
            Path d = rename(domain);
            for (Path user : directories(d)) {
                rename(user);
            }
        }
        DurableFiles.write(marker, new byte[0]);
    }

    private static java.util.List<Path> directories(Path dir) throws IOException {
        java.util.List<Path> l = new java.util.ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
            s.forEach(l::add);
        }
        return l;
    }

    /** The directory under its name of today, moved there if it had the old one. */
    private static Path rename(Path p) throws IOException {
        String old = p.getFileName().toString();
        String decoded = PercentCodec.decode(old); // null for a name the old layout could not have made
        if (decoded == null) {
            return p;
        }
        String now = FolderNames.dirName(decoded);
        if (now.equals(old)) {
            return p;
        }
        Path target = p.resolveSibling(now);
        if (Files.exists(target)) {
            LOG.warn("Both {} (old layout) and {} exist; leaving the old one for the administrator", p, target);
            return p;
        }
        DurableFiles.moveDurably(p, target);
        LOG.info("Mailbox directory {} moved to {} (new layout)", p, target);
        return target;
    }
}
