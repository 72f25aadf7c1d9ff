package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StreamCorruptedException;
import org.postrider.api.store.MessageStructure;

/**
 * Fuzz target: a structure cache file of any content decodes to a structure or fails with
 * {@link StreamCorruptedException}, never another exception or an allocation it describes.
 * The input is decoded as it is and framed with a right length and checksum, so the fuzzer
 * gets past the frame into the payload.
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
            return;
        }
        try {
            assertEquals(s, StructureCodec.decode(StructureCodec.encode(s)));
        } catch (StreamCorruptedException e) {
            throw new AssertionError("a decoded structure must encode and decode again", e);
        }
    }
}
