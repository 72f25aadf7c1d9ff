package org.postrider.api.message;

import java.time.Instant;

/**
 * Where a message came from, for the trace header, policy and logs.
 *
 * @param protocol          "ESMTP", "ESMTPSA", "internal", "gateway:X400", "admin"...
 * @param heloName          what the client called itself, or null
 * @param clientAddress     the peer IP address as text, or null for local injection
 * @param authenticatedUser the SASL identity, or null
 * @param received          when the listener took the message
 */
public record Origin(String protocol, String heloName, String clientAddress, String authenticatedUser,
        Instant received) {

    /** A message injected locally, by an administrator or a test. */
    public static Origin local(String protocol) {
        return new Origin(protocol, null, null, null, Instant.now());
    }
}
