package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a Maildir holds on disk, for tests that check a store wrote nothing. */
final class Maildirs {
    private Maildirs() {
    }

    /** The message files of a Maildir ("new/..." and "cur/..."), sorted. */
    static List<String> files(Path maildir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> s = Files.list(maildir.resolve(sub))) {
                s.forEach(p -> out.add(sub + "/" + p.getFileName()));
            }
        }
        out.sort(null);
        return out;
    }
}
