package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StreamCorruptedException;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;

/**
 * Fuzz target: a structure cache file of any content decodes to a structure or fails with
 * {@link StreamCorruptedException}, never another exception or an allocation it describes.
 * The input is decoded as it is and framed with a right length and checksum, so the fuzzer
 * gets past the frame into the payload. What SEARCH reads without decoding the whole (the
 * dates, the body, header keys matched on the octets) fails the same way, and agrees with the
 * decoded structure where that decodes.
 */
class StructureCodecFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        attempt(input);
        attempt(StructureCodecTest.frame(input));
    }

    private static void attempt(byte[] data) {
        MessageStructure s;
        try {
            s = StructureCodec.decode(data);
        } catch (StreamCorruptedException e) {
            partly(data, null);
            return;
        }
        partly(data, s);
        try {
            assertEquals(s, StructureCodec.decode(StructureCodec.encode(s)));
        } catch (StreamCorruptedException e) {
            throw new AssertionError("a decoded structure must encode and decode again", e);
        }
    }

    /** The partial readers on {@code data}; with {@code s}, its decoded form, they must agree with it. */
    private static void partly(byte[] data, MessageStructure s) {
        boolean whole = s != null && s.headers().stream().allMatch(f -> f.name() != null && f.value() != null);
        String field = s != null && !s.headers().isEmpty() && s.headers().get(0).name() != null
                ? s.headers().get(0).name() : "Subject";
        try {
            StructureCodec.Dates d = StructureCodec.dates(data, 0, data.length);
            BodyPart body = StructureCodec.body(data, 0, data.length);
            boolean any = new HeaderSearch(field, "").matches(data, 0, data.length);
            boolean a = new HeaderSearch(field, "a").matches(data, 0, data.length);
            if (whole) {
                assertEquals(s.envelope() == null ? null : s.envelope().date(), d.envelopeDate());
                assertEquals(s.sentDate(), d.sentDate());
                assertEquals(s.body(), body);
                assertEquals(TextSearch.header(s, field, ""), any);
                assertEquals(TextSearch.header(s, field, "a"), a);
            }
        } catch (StreamCorruptedException e) {
            if (whole) {
                throw new AssertionError("a structure that decodes must be read in part too", e);
            }
        }
    }
}
