package org.postrider.api.props;

import java.util.List;
import java.util.Objects;

/**
 * A message as typed properties: its own property set, the recipient table and the
 * attachment table, each at most {@link #MAX_ROWS} rows.
 */
public record PropMessage(PropertySet properties, List<RecipientRow> recipients, List<AttachmentRow> attachments) {
    /** The most rows of either table. */
    public static final int MAX_ROWS = 65535;

    public PropMessage {
        Objects.requireNonNull(properties, "properties");
        recipients = List.copyOf(recipients);
        attachments = List.copyOf(attachments);
        if (recipients.size() > MAX_ROWS || attachments.size() > MAX_ROWS) {
            throw new IllegalArgumentException("too many rows");
        }
    }
}
