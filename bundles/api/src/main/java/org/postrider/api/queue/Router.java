package org.postrider.api.queue;

import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.address.MailAddress;

/**
 * Decides, at RCPT time, whether a recipient can be taken: listeners ask before they
 * accept, so unknown local users and relay attempts are refused up front (no backscatter).
 */
@ProviderType
public interface Router {
    /**
     * @param sender        the reverse path, null for the null sender
     * @param recipient     the forward path
     * @param authenticated whether the client authenticated (relay is allowed only then)
     */
    Verdict checkRecipient(MailAddress sender, MailAddress recipient, boolean authenticated);
}
