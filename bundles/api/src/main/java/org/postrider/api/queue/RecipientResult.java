package org.postrider.api.queue;

import java.util.Objects;
import org.postrider.api.message.Recipient;

/**
 * The outcome for one recipient, with the text that goes into a DSN.
 *
 * @param enhancedCode RFC 3463 status such as "5.1.1", or null
 * @param diagnostic   the remote server's reply or a local reason, safe to quote in a DSN
 * @param remoteHost   the host that answered, or null
 */
public record RecipientResult(Recipient recipient, DeliveryStatus status, String enhancedCode, String diagnostic,
        String remoteHost) {
    public RecipientResult {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(status, "status");
    }

    public static RecipientResult delivered(Recipient r, String diagnostic) {
        return new RecipientResult(r, DeliveryStatus.DELIVERED, "2.0.0", diagnostic, null);
    }

    public static RecipientResult retry(Recipient r, String enhancedCode, String diagnostic) {
        return new RecipientResult(r, DeliveryStatus.RETRY, enhancedCode, diagnostic, null);
    }

    public static RecipientResult failed(Recipient r, String enhancedCode, String diagnostic) {
        return new RecipientResult(r, DeliveryStatus.FAILED, enhancedCode, diagnostic, null);
    }
}
