package org.postrider.api.store;

import java.util.List;

/**
 * RFC 3501 ENVELOPE fields, as they stand in the header (unfolded, encoded words kept);
 * null where the header has no such field.
 */
public record Envelope(String date, String subject, List<Address> from, List<Address> sender,
        List<Address> replyTo, List<Address> to, List<Address> cc, List<Address> bcc, String inReplyTo,
        String messageId) {

    /**
     * One address of an ENVELOPE list. A group is framed by an address with only
     * {@code mailbox} (the group name) and one with all fields null.
     */
    public record Address(String name, String route, String mailbox, String host) {
    }
}
