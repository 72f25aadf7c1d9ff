package org.postrider.pop3;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The POP3 listeners' settings, PID org.postrider.pop3 (TLS keys included). */
@ObjectClassDefinition(name = "Postrider POP3", description = "POP3 with STLS, and POP3S (implicit TLS)")
public @interface Pop3Config {
    @AttributeDefinition(description = "Address to listen on (0.0.0.0 or :: for all)")
    String bind() default "127.0.0.1";

    @AttributeDefinition(description = "POP3 port with STLS (110 is the standard); -1 turns it off, 0 picks one")
    int port() default 2110;

    @AttributeDefinition(description = "POP3S port, implicit TLS (995 is the standard); -1 turns it off")
    int tlsPort() default 2995;

    @AttributeDefinition(description = "Allow USER/PASS and AUTH without TLS (not recommended)")
    boolean allowPlaintextAuth() default false;

    @AttributeDefinition(description = "Open connections in all")
    int maxConnections() default 1000;

    @AttributeDefinition(description = "Open connections from one client address")
    int maxPerAddress() default 20;

    @AttributeDefinition(description = "Longest command line, in octets (RFC 2449: 255 at least)")
    int maxCommandLine() default 1024;

    @AttributeDefinition(description = "Idle time before autologout (RFC 1939: at least 10 minutes)")
    String idleTimeout() default "10m";

    @AttributeDefinition(description = "Idle time before login (Dovecot closes after 3 minutes)")
    String preLoginIdleTimeout() default "3m";

    @AttributeDefinition(description = "Time allowed to send one command line")
    String commandDeadline() default "1m";

    @AttributeDefinition(description = "Delay after a failed login; doubles per failure from one address, to 15 s")
    String authFailureDelay() default "2s";

    @AttributeDefinition(description = "Password hashes computed at once over the POP3 ports (0 = one per core); "
            + "a login that finds none free within passwordCheckWait gets -ERR [SYS/TEMP]")
    int maxPasswordChecks() default 0;

    @AttributeDefinition(description = "How long a login may wait for a free password-hash slot")
    String passwordCheckWait() default "5s";

    @AttributeDefinition(description = "Unknown or misplaced commands before the session is closed")
    int maxBadCommands() default 10;

    @AttributeDefinition(description = "How long sessions may finish when the listener stops")
    String shutdownGrace() default "10s";

    @AttributeDefinition(name = "tls.certificate", description = "PEM certificate chain (with tls.key)")
    String tls_certificate() default "";

    @AttributeDefinition(name = "tls.key", description = "PEM PKCS#8 private key")
    String tls_key() default "";

    @AttributeDefinition(name = "tls.keystore", description = "PKCS#12 or JKS keystore, instead of PEM files")
    String tls_keystore() default "";

    @AttributeDefinition(name = "tls.password", description = "The keystore's password")
    String tls_password() default "";
}
