package org.postrider.smtp.proto;

import java.util.Map;
import org.postrider.api.address.MailAddress;

/**
 * A MAIL FROM or RCPT TO argument: the path (null for the null reverse path {@code <>})
 * and its ESMTP parameters, keywords in upper case, values xtext-decoded where RFC 3461
 * says so (ORCPT, ENVID).
 */
public record SmtpPath(MailAddress address, Map<String, String> params) {
    public SmtpPath {
        params = Map.copyOf(params);
    }
}
