package org.postrider.api.address;

/** An address or domain that the strict parser refuses; the message is safe to echo to a client. */
public class InvalidAddressException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidAddressException(String reason) {
        super(reason);
    }
}
