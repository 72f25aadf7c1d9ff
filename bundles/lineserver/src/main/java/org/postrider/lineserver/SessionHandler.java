package org.postrider.lineserver;

import java.io.IOException;

/**
 * A protocol's session: runs on its own virtual thread, straight-line, for one connection.
 * Registered with a {@link LineServer}; stateless itself, its state lives in the session.
 */
public interface SessionHandler {
    /** Serves one connection until the protocol ends it; the server closes the socket after. */
    void serve(Connection connection) throws IOException;

    /**
     * The line sent to a client refused because of connection limits, before closing
     * ("421 4.7.0 Too many connections", "-ERR [SYS/TEMP] Too many connections").
     */
    String refusal(String reason);

    /**
     * Called with each TLS socket before its handshake, implicit or after STARTTLS: a
     * protocol that authenticates peers by certificate asks for one here
     * ({@code setWantClientAuth}). Nothing by default.
     */
    default void prepareTls(javax.net.ssl.SSLSocket socket) {
    }
}
