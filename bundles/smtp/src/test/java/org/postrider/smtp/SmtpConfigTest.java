package org.postrider.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postrider.lineserver.ListenerConfig;
import org.postrider.lineserver.ListenerSettings;
import org.postrider.lineserver.TlsMode;

/** The shared listener keys, as SmtpConfig declares them, reach the listeners with the README's defaults. */
class SmtpConfigTest {
    @Test
    void theDefaultsMakeTheDocumentedListeners() {
        SmtpConfig defaults = (SmtpConfig) Proxy.newProxyInstance(SmtpConfig.class.getClassLoader(),
                new Class<?>[] {SmtpConfig.class}, (p, m, a) -> m.getDefaultValue());
        ListenerConfig c = ListenerConfig.from("SMTP", defaults);
        ListenerSettings s = c.listener("submissions", defaults.submissionsPort(), TlsMode.IMPLICIT);
        assertEquals("127.0.0.1:2465", s.bind().getHostString() + ":" + s.bind().getPort());
        assertEquals(1000, s.maxConnections());
        assertEquals(20, s.maxPerAddress());
        assertEquals(10, s.maxPerUser());
        assertEquals(2048, s.maxLineLength());
        assertEquals(Duration.ofMinutes(5), s.idleTimeout());
        assertEquals(Duration.ofMinutes(5), s.preLoginIdleTimeout());
        assertEquals(Duration.ofMinutes(5), s.commandDeadline());
        assertEquals(Duration.ofSeconds(2), s.authFailureDelay());
        assertEquals(0, s.maxPasswordChecks());
        assertEquals(Duration.ofSeconds(5), s.passwordCheckWait());
        assertEquals(Duration.ofSeconds(30), s.shutdownGrace());
        assertEquals(20, c.maxBadCommands());
        assertEquals(false, c.allowPlaintextAuth());
        assertEquals("", c.tlsCertificate() + c.tlsKey() + c.tlsKeystore() + c.tlsPassword());
    }
}
