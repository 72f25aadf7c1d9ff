package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerConfigTest {
    /** A protocol's configuration as DS hands it over: a proxy of the annotation. */
    @interface Config {
        String bind() default "127.0.0.2";
        int maxConnections() default 7;
        int maxPerAddress() default 3;
        int maxCommandLine() default 512;
        String idleTimeout() default "30m";
        String preLoginIdleTimeout() default "90s";
        String commandDeadline() default "1m";
        String authFailureDelay() default "2s";
        int maxPasswordChecks() default 4;
        String passwordCheckWait() default "5s";
        int maxBadCommands() default 12;
        String shutdownGrace() default "10s";
        boolean allowPlaintextAuth() default true;
        String tls_certificate() default "/c.pem";
        String tls_key() default "/k.pem";
        String tls_keystore() default "";
        String tls_password() default "secret";
    }

    @interface WithoutBind {
        int maxConnections() default 7;
    }

    /** A protocol that declared a limit as a long. */
    @interface Mistyped {
        String bind() default "::";
        long maxConnections() default 1;
    }

    /** A protocol that limits sessions per user (IMAP, SMTP). */
    @interface PerUser {
        int maxPerUser() default 5;
    }

    static Object configured(Map<String, Object> values, Class<?>... types) {
        return Proxy.newProxyInstance(ListenerConfigTest.class.getClassLoader(), types,
                (proxy, m, args) -> m.getName().equals("toString") ? types[0].getSimpleName()
                        : values.getOrDefault(m.getName(), m.getDefaultValue()));
    }

    @Test
    void everySharedKeyIsReadParsedAndMadeIntoAListener() {
        ListenerConfig c = ListenerConfig.from("IMAP", configured(Map.of("maxPerAddress", 9), Config.class));
        assertEquals(9, c.maxPerAddress(), "a configured value wins over the default");
        assertEquals(Integer.MAX_VALUE, c.maxPerUser(), "no maxPerUser key: no per-user limit");
        assertTrue(c.allowPlaintextAuth());
        assertEquals(12, c.maxBadCommands());
        assertEquals("/c.pem", c.tlsCertificate());
        assertEquals("secret", c.tlsPassword());
        assertFalse(c.toString().contains("secret"), "the password stays out of logs");

        ListenerSettings s = c.withMaxPerUser(1).listener("imaps", 993, TlsMode.IMPLICIT);
        assertEquals("imaps", s.name());
        assertEquals("IMAP", s.protocol());
        assertEquals("127.0.0.2", s.bind().getHostString());
        assertEquals(993, s.bind().getPort());
        assertEquals(TlsMode.IMPLICIT, s.tls());
        assertEquals(7, s.maxConnections());
        assertEquals(9, s.maxPerAddress());
        assertEquals(1, s.maxPerUser());
        assertEquals(512, s.maxLineLength());
        assertEquals(Duration.ofMinutes(30), s.idleTimeout());
        assertEquals(Duration.ofSeconds(90), s.preLoginIdleTimeout());
        assertEquals(Duration.ofMinutes(1), s.commandDeadline());
        assertEquals(Duration.ofSeconds(10), s.shutdownGrace());
        assertEquals(Duration.ofSeconds(2), s.authFailureDelay());
        assertEquals(4, s.maxPasswordChecks());
        assertEquals(Duration.ofSeconds(5), s.passwordCheckWait());
    }

    @Test
    void anOptionalPerUserLimitIsRead() {
        assertEquals(5, ListenerConfig.from("IMAP", configured(Map.of(), Config.class, PerUser.class)).maxPerUser());
    }

    @Test
    void aDurationThatDoesNotParseIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenerConfig.from("IMAP", configured(Map.of("preLoginIdleTimeout", "soon"), Config.class)));
        assertTrue(e.getMessage().startsWith("preLoginIdleTimeout: "), e.getMessage());
    }

    @Test
    void aMissingOrMistypedKeyIsRefusedByName() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ListenerConfig.from("X", configured(Map.of(), WithoutBind.class)));
        assertTrue(missing.getMessage().endsWith("has no bind"), missing.getMessage());
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
                () -> ListenerConfig.from("X", configured(Map.of(), Mistyped.class)));
        assertEquals("maxConnections is not a Integer", mistyped.getMessage());
    }
}
