package org.postrider.directory.file;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Whatever a hand edit leaves in the directory file, it is refused with a line number or
 * read into data that is written back and read again unchanged (so a start after a rewrite
 * sees what the start before saw).
 */
class DirectoryFileFormatFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void readsOrRefusesAndRoundTrips(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        DirectoryData d;
        try {
            d = DirectoryFileFormat.read(text);
        } catch (IOException refused) {
            if (!refused.getMessage().startsWith("directory line ")) {
                throw new AssertionError("refused without a line number: " + refused.getMessage());
            }
            return;
        }
        String written = DirectoryFileFormat.write(d);
        DirectoryData again;
        try {
            again = DirectoryFileFormat.read(written);
        } catch (IOException e) {
            throw new AssertionError("what was read cannot be read back: " + e.getMessage() + "\n" + written, e);
        }
        if (!again.equals(d)) {
            throw new AssertionError("not the same after a rewrite:\n" + written);
        }
    }
}
