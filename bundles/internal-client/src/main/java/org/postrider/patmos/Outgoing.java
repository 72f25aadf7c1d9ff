package org.postrider.patmos;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.internal.proto.Begin;
import org.postrider.mapi.MimeWriter;

/**
 * One message to submit: RFC 5322 text and its envelope, or a typed property set whose
 * recipient rows are the envelope. Its transfer id identifies it to the server: send the same
 * message again with the same id (after a lost connection) and it is not queued twice.
 */
public final class Outgoing {
    private final String transferId;
    private final String sender;
    private final List<String> recipients;
    private final Blob mime;
    private final PropMessage typed;

    private Outgoing(String transferId, String sender, List<String> recipients, Blob mime, PropMessage typed) {
        if (!Begin.validTransferId(transferId)) {
            throw new IllegalArgumentException("a transfer id is 1 to 160 of [A-Za-z0-9._/:-]");
        }
        if (recipients.isEmpty() || recipients.size() > Begin.MAX_RECIPIENTS) {
            throw new IllegalArgumentException("1 to " + Begin.MAX_RECIPIENTS + " recipients");
        }
        this.transferId = transferId;
        this.sender = sender;
        this.recipients = List.copyOf(recipients);
        this.mime = mime;
        this.typed = typed;
    }

    private static String freshId() {
        return "patmos." + UUID.randomUUID();
    }

    /** RFC 5322 text (CRLF line ends) for these envelope recipients. */
    public static Outgoing mime(String sender, List<String> recipients, Blob content) {
        return new Outgoing(freshId(), sender, recipients, Objects.requireNonNull(content), null);
    }

    /** A typed message: the server writes it as MIME; its To, Cc and Bcc rows are the envelope. */
    public static Outgoing typed(String sender, PropMessage message) {
        return new Outgoing(freshId(), sender, MimeWriter.envelopeRecipients(message), null,
                Objects.requireNonNull(message));
    }

    /** The same message under a transfer id of the caller's (its own outbox id), stable across retries. */
    public Outgoing withTransferId(String id) {
        return new Outgoing(id, sender, recipients, mime, typed);
    }

    public String transferId() {
        return transferId;
    }

    public String sender() {
        return sender;
    }

    public List<String> recipients() {
        return recipients;
    }

    Blob mime() {
        return mime;
    }

    PropMessage typed() {
        return typed;
    }
}
