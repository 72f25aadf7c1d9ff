package org.postrider.api.queue;

import java.util.Optional;
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

    /**
     * Starts a submission the queue takes at most once for {@code idempotencyKey}: a
     * listener whose peer may send the same message again after a crash (the internal
     * transport: an acknowledgement lost with a kill -9) gives the peer's stable id of the
     * transfer. The key is made durable with the message, in the same commit, and is
     * remembered after the message has left the queue for at least the queue's maximum
     * lifetime. If a message was already committed under the key (before, or meanwhile by
     * a racing copy), {@link Submission#commit()} stores nothing and returns that message's
     * id.
     *
     * @param idempotencyKey 1 to 255 printable ASCII characters, no space
     */
    Submission begin(Envelope envelope, String idempotencyKey) throws QueueException;

    /**
     * The id of the message committed under {@code idempotencyKey}, still queued or already
     * gone, if the queue remembers one: a listener asks before reading the content again.
     */
    Optional<QueueId> committedWith(String idempotencyKey);
}
