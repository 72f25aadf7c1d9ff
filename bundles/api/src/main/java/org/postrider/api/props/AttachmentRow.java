package org.postrider.api.props;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A row of the attachment table: PR_ATTACH_DATA_BIN (inline or streamed) at least, and
 * usually PR_ATTACH_METHOD, PR_ATTACH_LONG_FILENAME, PR_ATTACH_MIME_TAG, PR_ATTACH_CONTENT_ID.
 */
public record AttachmentRow(PropertySet properties) {
    public AttachmentRow {
        if (properties.get(PropTags.ATTACH_DATA_BIN).isEmpty()) {
            throw new IllegalArgumentException("an attachment row needs PR_ATTACH_DATA_BIN");
        }
    }

    /**
     * A row attached by value with that data, file name, content type and content id (each
     * of the three null for none).
     */
    public static AttachmentRow of(Blob data, String fileName, String mimeTag, String contentId) {
        List<Property> p = new ArrayList<>(5);
        p.add(new Property(PropTags.ATTACH_DATA_BIN, new PropValue.Stream(PropType.BINARY, data)));
        p.add(Property.of(PropTags.ATTACH_METHOD, PropTags.ATTACH_BY_VALUE));
        if (fileName != null) {
            p.add(Property.of(PropTags.ATTACH_LONG_FILENAME, fileName));
        }
        if (mimeTag != null) {
            p.add(Property.of(PropTags.ATTACH_MIME_TAG, mimeTag));
        }
        if (contentId != null) {
            p.add(Property.of(PropTags.ATTACH_CONTENT_ID, contentId));
        }
        return new AttachmentRow(PropertySet.of(p));
    }

    /** The data, whether it is inline or a stream. */
    public Blob data() {
        PropValue v = properties.get(PropTags.ATTACH_DATA_BIN).orElseThrow();
        return v instanceof PropValue.Stream s ? s.blob() : Blob.of(((PropValue.Bytes) v).value());
    }

    /** PR_ATTACH_LONG_FILENAME, else PR_ATTACH_FILENAME. */
    public Optional<String> fileName() {
        return properties.text(PropTags.ATTACH_LONG_FILENAME).or(() -> properties.text(PropTags.ATTACH_FILENAME));
    }

    public Optional<String> mimeTag() {
        return properties.text(PropTags.ATTACH_MIME_TAG);
    }

    public Optional<String> contentId() {
        return properties.text(PropTags.ATTACH_CONTENT_ID);
    }
}
