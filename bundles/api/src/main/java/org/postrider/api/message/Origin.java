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
 * @param orgServer         the server of the organisation that handed the message over an
 *                          authenticated internal link, or null: only the internal transport
 *                          sets it, after the peer proved who it is, so the router and queue
 *                          may trust it (relay, tracking) as they trust no client's word
 */
public record Origin(String protocol, String heloName, String clientAddress, String authenticatedUser,
        Instant received, String orgServer) {

    /** An origin outside the organisation's links (SMTP, POP3-era clients, gateways, admin). */
    public Origin(String protocol, String heloName, String clientAddress, String authenticatedUser,
            Instant received) {
        this(protocol, heloName, clientAddress, authenticatedUser, received, null);
    }

    /** A message injected locally, by an administrator or a test. */
    public static Origin local(String protocol) {
        return new Origin(protocol, null, null, null, Instant.now());
    }

    /** Whether a server of the organisation handed this message over an authenticated link. */
    public boolean fromOrgServer() {
        return orgServer != null;
    }
}
