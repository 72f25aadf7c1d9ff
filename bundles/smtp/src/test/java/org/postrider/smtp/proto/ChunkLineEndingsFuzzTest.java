package org.postrider.smtp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the BDAT line-ending check: however the message is cut into chunks, it
 * is refused exactly when it holds a CR or LF that is not part of a CRLF pair.
 */
class ChunkLineEndingsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void chunks(FuzzedDataProvider data) {
        int cut = data.consumeInt(0, 64);
        byte[] message = data.consumeRemainingAsBytes();
        ChunkLineEndings check = new ChunkLineEndings();
        for (int off = 0; off < message.length; off += Math.max(1, cut)) {
            check.scan(message, off, Math.min(Math.max(1, cut), message.length - off));
        }
        String s = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n", "");
        assertEquals(s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0, check.bareAtEnd());
    }
}
