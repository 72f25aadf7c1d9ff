package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzz target for the spool header parser. Without JAZZER_FUZZ it replays the committed
 * corpus in src/test/resources/org/postrider/core/SpoolFormatFuzzTestInputs/read. A
 * damaged spool file gives an IOException, never another exception; what it accepts is
 * an envelope that round-trips through the current format.
 */
class SpoolFormatFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws Exception {
        SpoolFormat.Parsed p;
        try {
            p = SpoolFormat.read(new ByteArrayInputStream(input));
        } catch (IOException expected) {
            return;
        }
        byte[] again = SpoolFormat.header(p.envelope());
        assertEquals(p.envelope(), SpoolFormat.read(new ByteArrayInputStream(again)).envelope());
    }
}
