package org.postrider.api.store;

import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.message.MessageContent;

/** The Information Store. */
@ProviderType
public interface MailStore {
    /** Opens the mailbox of a directory user (created on first use). */
    Mailbox mailbox(String user) throws StoreException;

    /**
     * Delivers into a user's folder. Idempotent per {@code deliveryId}: delivering the same
     * id again (a redelivery after a crash) returns the first UID and adds nothing.
     *
     * @return the UID of the message
     * @throws QuotaExceededException when the user's quota does not allow it
     */
    long deliver(String user, String folder, MessageContent content, String deliveryId) throws StoreException;

    /** Registers a listener for one user's changes; close the result to stop. */
    AutoCloseable watch(String user, StoreListener listener);
}
