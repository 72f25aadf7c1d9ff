package org.postrider.api.org;

import java.util.Locale;
import java.util.Objects;

/**
 * One server of the organisation, as the registry knows it.
 *
 * @param name           the server's name, as the Directory's home-server attribute gives it
 *                       (lower case letters, digits, '-' and '.')
 * @param host           where its internal transport listens (a host name or an IP literal)
 * @param port           that listener's port
 * @param tlsFingerprint the SHA-256 fingerprint of the certificate it presents (hex, lower
 *                       case, no colons), or null when links to it prove identity with the
 *                       organisation's shared secret instead
 */
public record OrgServer(String name, String host, int port, String tlsFingerprint) {
    public OrgServer {
        Objects.requireNonNull(host, "host");
        name = validName(name);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (tlsFingerprint != null) {
            tlsFingerprint = tlsFingerprint.replace(":", "").toLowerCase(Locale.ROOT);
            if (!tlsFingerprint.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("a TLS fingerprint is 64 hex digits (SHA-256)");
            }
        }
    }

    /** A server name in its canonical form, or an exception saying why it is not one. */
    public static String validName(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.length() > 63 || !n.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new IllegalArgumentException("invalid server name: " + name);
        }
        return n;
    }
}
