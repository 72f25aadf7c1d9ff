package org.postrider.smtp.proto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the SMTP command parser: verbs, MAIL/RCPT paths and parameters, xtext.
 * Whatever it accepts carries no control characters and no routing syntax.
 */
class SmtpParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        try {
            SmtpRequest r = SmtpParser.request(line);
            assertTrue(r.verb().matches("[A-Z]{1,10}"), r.verb());
        } catch (SmtpParser.Invalid expected) {
            // refused
        }
        for (String prefix : new String[] {"FROM:", "TO:"}) {
            try {
                SmtpPath p = prefix.equals("FROM:") ? SmtpParser.mailFrom(prefix + line)
                        : SmtpParser.rcptTo(prefix + line, "example.org");
                if (p.address() != null) {
                    String a = p.address().toString();
                    assertTrue(a.chars().noneMatch(c -> c < 0x20 || c == '%' || c == '!'), a);
                }
                p.params().values().forEach(v -> assertTrue(v.chars().noneMatch(c -> c <= 0x20), v));
            } catch (SmtpParser.Invalid expected) {
                // refused
            }
        }
        try {
            assertTrue(SmtpParser.xtext(line).chars().noneMatch(c -> c < 0x20));
        } catch (SmtpParser.Invalid expected) {
            // refused
        }
    }
}
