package org.postrider.api.store;

/** A store operation failed; {@link #temporary()} tells a deliverer whether to retry. */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean temporary;

    public StoreException(String message, boolean temporary) {
        super(message);
        this.temporary = temporary;
    }

    public StoreException(String message, boolean temporary, Throwable cause) {
        super(message, cause);
        this.temporary = temporary;
    }

    public boolean temporary() {
        return temporary;
    }
}
