package org.postrider.smtp;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The SMTP listeners' settings, PID org.postrider.smtp (TLS keys included). */
@ObjectClassDefinition(name = "Postrider SMTP", description = "SMTP for inbound mail, submission with AUTH, and implicit-TLS submission")
public @interface SmtpConfig {
    @AttributeDefinition(description = "Address to listen on (0.0.0.0 or :: for all)")
    String bind() default "127.0.0.1";

    @AttributeDefinition(description = "Inbound SMTP (MX) port (25 is the standard); -1 off, 0 any free")
    int port() default 2525;

    @AttributeDefinition(description = "Submission port with STARTTLS, AUTH required (587); -1 off")
    int submissionPort() default 2587;

    @AttributeDefinition(description = "Submission port with implicit TLS, AUTH required (465); -1 off")
    int submissionsPort() default 2465;

    @AttributeDefinition(description = "The name in the banner and EHLO reply; empty for the server name")
    String hostName() default "";

    @AttributeDefinition(description = "Largest message accepted, in octets (advertised as SIZE)")
    long maxMessageSize() default 26214400;

    @AttributeDefinition(description = "Recipients per message")
    int maxRecipients() default 100;

    @AttributeDefinition(description = "Largest header section, in octets")
    int maxHeaderSize() default 262144;

    @AttributeDefinition(description = "Longest command line, in octets (RFC 5321 asks for 512 at least)")
    int maxCommandLine() default 2048;

    @AttributeDefinition(description = "Longest line of message text, in octets; a longer one refuses the message "
            + "(RFC 5321 sets 1000, but real senders exceed it)")
    int maxDataLine() default 65536;

    @AttributeDefinition(description = "Allow AUTH without TLS (not recommended)")
    boolean allowPlaintextAuth() default false;

    @AttributeDefinition(description = "An authenticated sender may only use its own address in MAIL FROM")
    boolean senderMustMatchLogin() default true;

    @AttributeDefinition(description = "Domain of <Postmaster> without a domain in RCPT TO")
    String postmasterDomain() default "example.org";

    @AttributeDefinition(description = "On the MX port, wait this long before the greeting and refuse clients that talk first (0 = off)")
    String pregreetWait() default "0s";

    @AttributeDefinition(description = "Client addresses (IP literals, comma-separated) offered XTRANSFERID on the "
            + "MX port: Postrider servers whose copies sent again after a crash are recognised; empty for none. "
            + "Authenticated sessions may always use it.")
    String transferIdClients() default "";

    int maxConnections() default 1000;

    int maxPerAddress() default 20;

    @AttributeDefinition(description = "Sessions one authenticated user may have open at once, over all SMTP ports")
    int maxPerUser() default 10;

    @AttributeDefinition(description = "Idle time between commands (RFC 5321 4.5.3.2: 5 minutes)")
    String idleTimeout() default "5m";

    @AttributeDefinition(description = "Idle time between commands before a mail transaction begins or a login "
            + "(RFC 5321 4.5.3.2.7 asks for 5 minutes; lower it under attack)")
    String preLoginIdleTimeout() default "5m";

    @AttributeDefinition(description = "Time allowed for one command line or DATA line")
    String commandDeadline() default "5m";

    @AttributeDefinition(description = "Time allowed for the whole message text of DATA, or of all BDAT chunks")
    String dataDeadline() default "1h";

    @AttributeDefinition(description = "Least average rate of message text, in octets a second, once the grace "
            + "period is over (0 = none): a client trickling a line every few minutes is closed")
    long dataMinRate() default 500;

    @AttributeDefinition(description = "Time from the start of the message text before the minimum rate applies")
    String dataRateGrace() default "30s";

    String authFailureDelay() default "2s";

    @AttributeDefinition(description = "Password hashes computed at once over the SMTP ports (0 = one per core); "
            + "a login that finds none free within passwordCheckWait gets 454")
    int maxPasswordChecks() default 0;

    @AttributeDefinition(description = "How long a login may wait for a free password-hash slot")
    String passwordCheckWait() default "5s";

    int maxBadCommands() default 20;

    String shutdownGrace() default "30s";

    @AttributeDefinition(name = "tls.certificate", description = "PEM certificate chain (with tls.key)")
    String tls_certificate() default "";

    @AttributeDefinition(name = "tls.key", description = "PEM PKCS#8 private key")
    String tls_key() default "";

    @AttributeDefinition(name = "tls.keystore", description = "PKCS#12 or JKS keystore, instead of PEM files")
    String tls_keystore() default "";

    @AttributeDefinition(name = "tls.password", description = "The keystore's password")
    String tls_password() default "";
}
