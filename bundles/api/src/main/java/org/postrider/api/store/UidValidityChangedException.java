package org.postrider.api.store;

/** The folder's UIDVALIDITY is not the one the caller's UIDs belong to: resynchronise (RFC 3501 2.3.1.1). */
public class UidValidityChangedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public UidValidityChangedException(String message) {
        super(message, false);
    }
}
