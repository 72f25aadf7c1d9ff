package org.postrider.api.track;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing a server did with a message.
 *
 * @param time        when
 * @param server      the server that did it
 * @param queueId     its queue id on that server
 * @param messageId   the message's Message-ID (without angle brackets), or null when the server
 *                    did not see one
 * @param kind        what happened
 * @param recipient   the recipient it concerns, or null for the whole message
 * @param via         for {@link Kind#ACCEPTED}, the protocol it came in by; otherwise the
 *                    transport it went out by ("local", "internal", "smtp", "gateway:ID"), or null
 * @param peer        where it came from (client address or organisation server) or went
 *                    (mailbox, organisation server, domain and the host that answered), or null
 * @param detail      the status and reason, as the mail log has them, or null
 */
public record TrackEvent(Instant time, String server, String queueId, String messageId, Kind kind, String recipient,
        String via, String peer, String detail) {

    /** What happened. */
    public enum Kind {
        /** Durably in this server's queue. */
        ACCEPTED,
        /** In a mailbox of this server. */
        DELIVERED,
        /** Handed on to another server, which took it over (another organisation server, an MX, a gateway). */
        RELAYED,
        /** A temporary failure; it will be tried again. */
        DEFERRED,
        /** A permanent failure; a failure notice goes to the sender unless it is {@code <>}. */
        BOUNCED,
        /** A delivery status notice about it was queued to its sender. */
        NOTICE,
        /** It left this server's queue. */
        REMOVED
    }

    public TrackEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(kind, "kind");
    }
}
