package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzz target for literal announcements: found exactly when the line ends in {digits} or
 * {digits+}, with the brace where it is, and the size the digits say, saturated at 63 bits.
 */
class LiteralAnnouncementFuzzTest {
    private static final Pattern ANNOUNCED = Pattern.compile("\\{([0-9]+)(\\+?)\\}\\z");
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @FuzzTest(maxDuration = "30s")
    void parse(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        LiteralAnnouncement a = LiteralAnnouncement.parse(line);
        Matcher m = ANNOUNCED.matcher(line);
        if (!m.find()) {
            assertNull(a, line);
            return;
        }
        assertNotNull(a, line);
        assertEquals(m.start(), a.start());
        assertEquals(m.group(2).isEmpty(), a.synchronizing());
        assertEquals(new BigInteger(m.group(1)).min(MAX).longValueExact(), a.size());
    }
}
