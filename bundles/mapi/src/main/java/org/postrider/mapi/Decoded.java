package org.postrider.mapi;

import java.util.ArrayList;
import java.util.List;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;

/**
 * A decoded message whose stream values are still {@link StreamRef}s, and those references
 * in index order: the transport receives that many streams of those lengths, then binds them.
 */
public record Decoded(PropMessage message, List<StreamRef> streams) {
    public Decoded {
        streams = List.copyOf(streams);
    }

    /**
     * The message with stream {@code i} replaced by {@code blobs.get(i)}; an exception when the
     * count or a length differs.
     */
    public PropMessage bind(List<? extends Blob> blobs) {
        if (blobs.size() != streams.size()) {
            throw new IllegalArgumentException(streams.size() + " streams expected, " + blobs.size() + " given");
        }
        for (int i = 0; i < blobs.size(); i++) {
            if (blobs.get(i).size() != streams.get(i).size()) {
                throw new IllegalArgumentException("stream " + i + " is " + streams.get(i).size() + " octets, not "
                        + blobs.get(i).size());
            }
        }
        if (blobs.isEmpty()) {
            return message;
        }
        List<RecipientRow> recipients = new ArrayList<>(message.recipients().size());
        for (RecipientRow r : message.recipients()) {
            recipients.add(new RecipientRow(bind(r.properties(), blobs)));
        }
        List<AttachmentRow> attachments = new ArrayList<>(message.attachments().size());
        for (AttachmentRow a : message.attachments()) {
            attachments.add(new AttachmentRow(bind(a.properties(), blobs)));
        }
        return new PropMessage(bind(message.properties(), blobs), recipients, attachments);
    }

    private static PropertySet bind(PropertySet set, List<? extends Blob> blobs) {
        List<Property> out = new ArrayList<>(set.size());
        boolean changed = false;
        for (Property p : set.properties()) {
            if (p.value() instanceof PropValue.Stream s && s.blob() instanceof StreamRef ref) {
                out.add(new Property(p.tag(), new PropValue.Stream(s.type(), blobs.get(ref.index()))));
                changed = true;
            } else {
                out.add(p);
            }
        }
        return changed ? PropertySet.of(out) : set;
    }
}
