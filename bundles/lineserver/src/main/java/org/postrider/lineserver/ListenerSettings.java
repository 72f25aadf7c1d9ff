package org.postrider.lineserver;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What a listener needs to know; protocol bundles fill it from their metatype configuration,
 * which is the one place each default lives.
 *
 * @param name                 "smtp", "submission", "pop3s"...
 * @param protocol             "SMTP", "POP3", "IMAP"
 * @param bind                 address and port (port 0 picks a free one, for tests)
 * @param tls                  NONE, STARTTLS or IMPLICIT
 * @param maxConnections       open connections in all
 * @param maxPerAddress        open connections from one client address
 * @param maxPerUser           sessions of one logged-in user, over all listeners of the protocol
 * @param maxLineLength        octets in one line, CRLF excluded
 * @param idleTimeout          waiting for the next command
 * @param preLoginIdleTimeout  waiting for the next command before the session is engaged (logged in, or
 *                             an SMTP transaction begun): shorter, as Dovecot's 3 minutes before login
 * @param commandDeadline      from a command's first byte to its CRLF (slowloris defence); also the longest a
 *                             write may wait for the client to take a load of the reply (a client that
 *                             stops reading is closed)
 * @param shutdownGrace        how long sessions may finish when the listener stops
 * @param authFailureDelay     the first failed login's delay; it doubles per failure from one address, up to 15 s
 * @param maxPasswordChecks    password hashes computed at once over the protocol's listeners (0: one per core)
 * @param passwordCheckWait    how long a login may wait for a hash slot before a temporary failure
 */
public record ListenerSettings(String name, String protocol, InetSocketAddress bind, TlsMode tls, int maxConnections,
        int maxPerAddress, int maxPerUser, int maxLineLength, Duration idleTimeout, Duration preLoginIdleTimeout,
        Duration commandDeadline, Duration shutdownGrace, Duration authFailureDelay, int maxPasswordChecks,
        Duration passwordCheckWait) {

    /** Without a separate idle timeout before login, and with the default password-check limits. */
    public ListenerSettings(String name, String protocol, InetSocketAddress bind, TlsMode tls, int maxConnections,
            int maxPerAddress, int maxPerUser, int maxLineLength, Duration idleTimeout, Duration commandDeadline,
            Duration shutdownGrace, Duration authFailureDelay) {
        this(name, protocol, bind, tls, maxConnections, maxPerAddress, maxPerUser, maxLineLength, idleTimeout,
                idleTimeout, commandDeadline, shutdownGrace, authFailureDelay, 0, Duration.ofSeconds(5));
    }
}
