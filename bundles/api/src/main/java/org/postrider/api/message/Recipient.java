package org.postrider.api.message;

import java.util.Objects;
import java.util.Set;
import org.postrider.api.address.MailAddress;

/**
 * One envelope recipient with its RFC 3461 parameters.
 *
 * @param address the forward path
 * @param notifyOn NOTIFY, empty for the default
 * @param originalRecipient ORCPT as received ({@code addr-type;xtext}), or null
 */
public record Recipient(MailAddress address, Set<DsnNotify> notifyOn, String originalRecipient) {
    public Recipient {
        Objects.requireNonNull(address, "address");
        notifyOn = Set.copyOf(notifyOn);
    }

    public static Recipient of(MailAddress address) {
        return new Recipient(address, Set.of(), null);
    }

    /** Whether a failure report may be sent for this recipient. */
    public boolean wantsFailureNotice() {
        return notifyOn.isEmpty() || notifyOn.contains(DsnNotify.FAILURE);
    }

    /** Whether a delay report may be sent for this recipient. */
    public boolean wantsDelayNotice() {
        return notifyOn.isEmpty() || notifyOn.contains(DsnNotify.DELAY);
    }
}
