package org.postrider.lineserver.sasl;

/**
 * A login name and password taken from a client.
 *
 * @param authorizationId the SASL authzid ("act as"), empty when none was given; honoured
 *                        only where a deployment allows master users, otherwise it must be
 *                        empty or equal to the login
 */
public record Credentials(String authorizationId, String login, char[] password) {
}
