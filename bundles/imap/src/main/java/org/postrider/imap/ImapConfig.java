package org.postrider.imap;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The IMAP listeners' settings, PID org.postrider.imap (TLS keys included). */
@ObjectClassDefinition(name = "Postrider IMAP", description = "IMAP with STARTTLS, and IMAPS (implicit TLS)")
public @interface ImapConfig {
    @AttributeDefinition(description = "Address to listen on (0.0.0.0 or :: for all)")
    String bind() default "127.0.0.1";

    @AttributeDefinition(description = "IMAP port with STARTTLS (143 is the standard); -1 turns it off, 0 picks one")
    int port() default 2143;

    @AttributeDefinition(description = "IMAPS port, implicit TLS (993 is the standard); -1 turns it off")
    int tlsPort() default 2993;

    @AttributeDefinition(description = "Allow LOGIN and AUTHENTICATE without TLS (not recommended)")
    boolean allowPlaintextAuth() default false;

    @AttributeDefinition(description = "Open connections in all")
    int maxConnections() default 10000;

    @AttributeDefinition(description = "Open connections from one client address")
    int maxPerAddress() default 50;

    @AttributeDefinition(description = "Open sessions of one user")
    int maxPerUser() default 20;

    @AttributeDefinition(description = "Longest line of a command, in octets, literals excluded")
    int maxCommandLine() default 65536;

    @AttributeDefinition(description = "Largest APPEND, in MiB (APPENDLIMIT)")
    int appendLimitMiB() default 64;

    @AttributeDefinition(description = "Sessions compressed at once on both listeners (COMPRESS=DEFLATE; each holds some 300 KiB outside the heap)")
    int maxCompressedSessions() default 1000;

    @AttributeDefinition(description = "Idle time before autologout (RFC 9051: at least 30 minutes)")
    String idleTimeout() default "30m";

    @AttributeDefinition(description = "Idle time before login")
    String preLoginIdleTimeout() default "1m";

    @AttributeDefinition(description = "Time allowed to send one command line, and to take each load of a reply")
    String commandDeadline() default "1m";

    @AttributeDefinition(description = "Delay after a failed login; doubles per failure from one address, to 15 s")
    String authFailureDelay() default "2s";

    @AttributeDefinition(description = "Password hashes computed at once over the IMAP ports (0 = one per core)")
    int maxPasswordChecks() default 0;

    @AttributeDefinition(description = "How long a login may wait for a free password-hash slot")
    String passwordCheckWait() default "5s";

    @AttributeDefinition(description = "Refused commands before the session is closed")
    int maxBadCommands() default 20;

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
