package org.postrider.store.maildir.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.store.BodyPart;

/** The test messages under resources …/mime and helpers to look into them. */
final class Corpus {
    static final List<String> NAMES = List.of("alternative-related.eml", "forward.eml", "missing-end.eml",
            "bad-base64.eml", "no-content-type.eml", "garbage-headers.eml", "eight-bit.eml", "rfc2231.eml",
            "groups.eml", "digest.eml");

    private Corpus() {
    }

    static byte[] load(String name) {
        try (InputStream in = Corpus.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The octets [from, to) as Latin-1 text (one char per octet). */
    static String slice(byte[] b, long from, long to) {
        return new String(b, (int) from, (int) (to - from), StandardCharsets.ISO_8859_1);
    }

    static String body(byte[] b, BodyPart p) {
        return slice(b, p.bodyOffset(), p.endOffset());
    }

    static String header(byte[] b, BodyPart p) {
        return slice(b, p.headerOffset(), p.bodyOffset());
    }

    /** Offset of the first occurrence of {@code s} (Latin-1) in {@code b}, which must be there. */
    static long at(byte[] b, String s) {
        int i = new String(b, StandardCharsets.ISO_8859_1).indexOf(s);
        if (i < 0) {
            throw new AssertionError("not in message: " + s);
        }
        return i;
    }

    /** Every part of the tree, depth first. */
    static List<BodyPart> all(BodyPart p) {
        List<BodyPart> out = new ArrayList<>();
        collect(p, out);
        return out;
    }

    private static void collect(BodyPart p, List<BodyPart> out) {
        out.add(p);
        p.parts().forEach(c -> collect(c, out));
        if (p.message() != null) {
            collect(p.message(), out);
        }
    }
}
