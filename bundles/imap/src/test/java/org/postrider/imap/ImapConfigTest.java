package org.postrider.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postrider.kit.text.Durations;

/** The defaults of the IMAP configuration that the RFCs and SECURITY.md bar 5 fix. */
class ImapConfigTest {
    private static Duration defaultOf(String key) throws Exception {
        return Durations.parse((String) ImapConfig.class.getMethod(key).getDefaultValue());
    }

    @Test
    void aLoggedInSessionMayIdleThirtyMinutesAndAnAnonymousOneFarLess() throws Exception {
        assertTrue(defaultOf("idleTimeout").compareTo(Duration.ofMinutes(30)) >= 0,
                "RFC 9051 5.4: the autologout timer is at least 30 minutes");
        assertTrue(defaultOf("preLoginIdleTimeout").compareTo(Duration.ofMinutes(5)) <= 0,
                "an unauthenticated session is dropped much sooner");
        assertTrue(defaultOf("authFailureDelay").compareTo(Duration.ofSeconds(1)) >= 0,
                "a failed login is answered after a delay");
    }
}
