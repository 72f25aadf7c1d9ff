package org.postrider.lineserver;

/** How a listener does TLS. */
public enum TlsMode {
    /** Plaintext only (or the protocol offers no TLS). */
    NONE,
    /** Plaintext first; the protocol's STARTTLS/STLS upgrades. */
    STARTTLS,
    /** TLS from the first byte (ports 465, 995, 993). */
    IMPLICIT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
