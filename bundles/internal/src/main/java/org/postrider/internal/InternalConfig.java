package org.postrider.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The internal transport's settings, PID org.postrider.internal: its listener and its links out. */
@ObjectClassDefinition(name = "Postrider internal transport",
        description = "The organisation's binary transport between servers (docs/internal-protocol.md)")
public @interface InternalConfig {
    @AttributeDefinition(description = "Address to listen on (0.0.0.0 or :: for all)")
    String bind() default "127.0.0.1";

    @AttributeDefinition(description = "Port of the internal transport (implicit TLS); -1 turns the listener off, "
            + "0 picks one")
    int port() default 2700;

    @AttributeDefinition(description = "Open connections in all")
    int maxConnections() default 200;

    @AttributeDefinition(description = "Open connections from one address")
    int maxPerAddress() default 50;

    @AttributeDefinition(description = "Idle time of an authenticated link before the listener closes it")
    String idleTimeout() default "10m";

    @AttributeDefinition(description = "Idle time before the HELLO and authentication are done")
    String preLoginIdleTimeout() default "30s";

    @AttributeDefinition(description = "Time allowed to send one frame (also the write deadline)")
    String commandDeadline() default "2m";

    @AttributeDefinition(description = "Delay after a failed authentication; doubles per failure from one address, "
            + "to 15 s")
    String authFailureDelay() default "2s";

    @AttributeDefinition(description = "Password hashes computed at once for client submission (0 = one per core)")
    int maxPasswordChecks() default 0;

    @AttributeDefinition(description = "How long a client login may wait for a password-hash slot")
    String passwordCheckWait() default "5s";

    @AttributeDefinition(description = "How long links may finish when the listener stops")
    String shutdownGrace() default "10s";

    @AttributeDefinition(description = "Largest frame accepted, in octets (4096 to 16777216)")
    int maxFrame() default 1048576;

    @AttributeDefinition(description = "Largest message content accepted, in octets")
    long maxMessageSize() default 67108864L;

    @AttributeDefinition(description = "Messages a peer may have sent and not had answered on one link")
    int window() default 32;

    @AttributeDefinition(description = "The organisation's shared secret (64 hex digits, the same file on every "
            + "server); empty: data/internal/org.secret, made at the first start")
    String secretFile() default "";

    @AttributeDefinition(description = "Links out: time to connect to a peer")
    String connectTimeout() default "30s";

    @AttributeDefinition(description = "Links out: the longest wait for a message's answer before the link is "
            + "given up and the message retried")
    String answerTimeout() default "10m";

    @AttributeDefinition(description = "Links out: an unused link is closed after this long")
    String linkIdle() default "5m";

    @AttributeDefinition(description = "Links out: the longest wait before connecting again to a peer that "
            + "failed (it doubles from 1 s up to this)")
    String reconnectBackoff() default "60s";

    @AttributeDefinition(name = "tls.certificate", description = "PEM certificate chain (with tls.key)")
    String tls_certificate() default "";

    @AttributeDefinition(name = "tls.key", description = "PEM PKCS#8 private key")
    String tls_key() default "";

    @AttributeDefinition(name = "tls.keystore", description = "PKCS#12 or JKS keystore, instead of PEM files")
    String tls_keystore() default "";

    @AttributeDefinition(name = "tls.password", description = "The keystore's password")
    String tls_password() default "";
}
