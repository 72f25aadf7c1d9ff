package org.postrider.api.server;

import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A listening endpoint of the server, registered as a service by each protocol listener,
 * so that status commands and the start script can say what listens where.
 */
@ConsumerType
public interface ListenerInfo {
    /** The configured name: "smtp", "submission", "submissions", "pop3", "imaps"... */
    String name();

    /** The protocol spoken: "SMTP", "POP3", "IMAP", "internal". */
    String protocol();

    /** The bound address, with the real port (after binding port 0 in tests). */
    InetSocketAddress address();

    /** "none", "starttls" or "implicit". */
    String tls();

    /** Connections open now. */
    int activeConnections();
}
