package org.postrider.api.dns;

/** A lookup failed: temporary (SERVFAIL, timeout: retry later) or permanent (NXDOMAIN). */
public class DnsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean temporary;

    public DnsException(String message, boolean temporary) {
        super(message);
        this.temporary = temporary;
    }

    public boolean temporary() {
        return temporary;
    }
}
