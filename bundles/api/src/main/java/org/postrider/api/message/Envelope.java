package org.postrider.api.message;

import java.util.List;
import java.util.Objects;
import org.postrider.api.address.MailAddress;

/**
 * The SMTP envelope of one message, with its ESMTP parameters.
 *
 * @param sender       the reverse path, or null for the null sender {@code <>}
 * @param recipients   at least one recipient
 * @param body         the BODY parameter
 * @param smtpUtf8     whether SMTPUTF8 was given
 * @param declaredSize SIZE as declared by the client, or -1
 * @param dsnReturn    RET, or null
 * @param envelopeId   ENVID (xtext-decoded), or null
 * @param origin       where the message came from
 * @param properties   the message's typed property set as a client of the organisation
 *                     submitted it (carried from server to server of the organisation), or null;
 *                     it holds the Bcc rows, so it stays inside the organisation: the queue
 *                     hands it to the internal transport only, never to SMTP or a gateway
 */
public record Envelope(MailAddress sender, List<Recipient> recipients, BodyType body, boolean smtpUtf8,
        long declaredSize, DsnReturn dsnReturn, String envelopeId, Origin origin, TypedProperties properties) {

    public Envelope {
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(origin, "origin");
    }

    /** An envelope without a typed property set. */
    public Envelope(MailAddress sender, List<Recipient> recipients, BodyType body, boolean smtpUtf8,
            long declaredSize, DsnReturn dsnReturn, String envelopeId, Origin origin) {
        this(sender, recipients, body, smtpUtf8, declaredSize, dsnReturn, envelopeId, origin, null);
    }

    /** A plain envelope: 7bit or 8bit body, no DSN parameters. */
    public static Envelope of(MailAddress sender, List<MailAddress> recipients, Origin origin) {
        return new Envelope(sender, recipients.stream().map(Recipient::of).toList(), BodyType.EIGHT_BIT_MIME,
                false, -1, null, null, origin);
    }

    public boolean isNullSender() {
        return sender == null;
    }

    /** The same envelope with other recipients, as the router splits it per destination. */
    public Envelope withRecipients(List<Recipient> others) {
        return new Envelope(sender, others, body, smtpUtf8, declaredSize, dsnReturn, envelopeId, origin, properties);
    }

    /** The same envelope with this typed property set, or none (null). */
    public Envelope withProperties(TypedProperties set) {
        return new Envelope(sender, recipients, body, smtpUtf8, declaredSize, dsnReturn, envelopeId, origin, set);
    }
}
