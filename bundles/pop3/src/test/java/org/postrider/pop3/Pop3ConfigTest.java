package org.postrider.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postrider.lineserver.ListenerConfig;
import org.postrider.lineserver.ListenerSettings;
import org.postrider.lineserver.TlsMode;

/** The shared listener keys, as Pop3Config declares them, reach the listeners with the README's defaults. */
class Pop3ConfigTest {
    @Test
    void theDefaultsMakeTheDocumentedListeners() {
        Pop3Config defaults = (Pop3Config) Proxy.newProxyInstance(Pop3Config.class.getClassLoader(),
                new Class<?>[] {Pop3Config.class}, (p, m, a) -> m.getDefaultValue());
        ListenerConfig c = ListenerConfig.from("POP3", defaults).withMaxPerUser(1);
        ListenerSettings s = c.listener("pop3", defaults.port(), TlsMode.STARTTLS);
        assertEquals("127.0.0.1:2110", s.bind().getHostString() + ":" + s.bind().getPort());
        assertEquals(1000, s.maxConnections());
        assertEquals(20, s.maxPerAddress());
        assertEquals(1, s.maxPerUser());
        assertEquals(1024, s.maxLineLength());
        assertEquals(Duration.ofMinutes(10), s.idleTimeout());
        assertEquals(Duration.ofMinutes(3), s.preLoginIdleTimeout());
        assertEquals(Duration.ofMinutes(1), s.commandDeadline());
        assertEquals(Duration.ofSeconds(2), s.authFailureDelay());
        assertEquals(0, s.maxPasswordChecks());
        assertEquals(Duration.ofSeconds(5), s.passwordCheckWait());
        assertEquals(Duration.ofSeconds(10), s.shutdownGrace());
        assertEquals(10, c.maxBadCommands());
        assertEquals(false, c.allowPlaintextAuth());
        assertEquals("", c.tlsCertificate() + c.tlsKey() + c.tlsKeystore() + c.tlsPassword());
    }
}
