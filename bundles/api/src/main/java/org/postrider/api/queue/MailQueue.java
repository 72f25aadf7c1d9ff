package org.postrider.api.queue;

import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.message.Envelope;

/** The durable queue: the only way a message enters the server. */
@ProviderType
public interface MailQueue {
    /**
     * Starts a submission for the given envelope. The recipients must already have been
     * accepted by {@link Router#checkRecipient}.
     */
    Submission begin(Envelope envelope) throws QueueException;
}
