package org.postrider.api.store;

/** Delivery would exceed the user's quota (RFC 3463 4.2.2 when temporary, 5.2.2 when not). */
public class QuotaExceededException extends StoreException {
    private static final long serialVersionUID = 1L;

    public QuotaExceededException(String message, boolean temporary) {
        super(message, temporary);
    }
}
