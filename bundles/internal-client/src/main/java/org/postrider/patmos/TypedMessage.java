package org.postrider.patmos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropType;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;

/**
 * Builds a message as typed properties (docs/internal-protocol-properties.md): subject,
 * recipients by type, body, attachments with names and content types, importance,
 * sensitivity, message class. Bodies and attachments travel as streams after the set, so the
 * set stays small whatever their size; a file attachment is read when it is sent.
 */
public final class TypedMessage {
    /** Text bodies up to this many octets travel inside the set; longer ones as a stream. */
    static final int INLINE_TEXT = 4096;

    private final List<Property> props = new ArrayList<>();
    private final List<RecipientRow> recipients = new ArrayList<>();
    private final List<AttachmentRow> attachments = new ArrayList<>();

    public TypedMessage subject(String subject) {
        return put(Property.of(PropTags.SUBJECT, subject));
    }

    /** The sender's display name (the address is the submitting user's, set by the server if absent). */
    public TypedMessage from(String displayName, String address) {
        if (displayName != null && !displayName.isBlank()) {
            put(Property.of(PropTags.SENDER_NAME, displayName));
        }
        return put(Property.of(PropTags.SENDER_EMAIL_ADDRESS, address));
    }

    public TypedMessage to(String address, String displayName) {
        recipients.add(RecipientRow.of(PropTags.MAPI_TO, address, displayName));
        return this;
    }

    public TypedMessage cc(String address, String displayName) {
        recipients.add(RecipientRow.of(PropTags.MAPI_CC, address, displayName));
        return this;
    }

    /** A blind copy: in the envelope only, never in the message's header. */
    public TypedMessage bcc(String address) {
        recipients.add(RecipientRow.of(PropTags.MAPI_BCC, address, null));
        return this;
    }

    public TypedMessage body(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return put(utf8.length <= INLINE_TEXT ? Property.of(PropTags.BODY, text)
                : new Property(PropTags.BODY, new PropValue.Stream(PropType.UNICODE, Blob.of(utf8))));
    }

    /** An HTML body (UTF-8); with a text body, the two are alternatives. */
    public TypedMessage html(String html) {
        return put(new Property(PropTags.HTML,
                new PropValue.Stream(PropType.BINARY, Blob.of(html.getBytes(StandardCharsets.UTF_8)))));
    }

    /** {@link PropTags#IMPORTANCE_LOW}, {@code _NORMAL} or {@code _HIGH}. */
    public TypedMessage importance(int importance) {
        if (importance < PropTags.IMPORTANCE_LOW || importance > PropTags.IMPORTANCE_HIGH) {
            throw new IllegalArgumentException("importance is 0 (low), 1 (normal) or 2 (high)");
        }
        return put(Property.of(PropTags.IMPORTANCE, importance));
    }

    /** {@link PropTags#SENSITIVITY_NONE} to {@link PropTags#SENSITIVITY_CONFIDENTIAL}. */
    public TypedMessage sensitivity(int sensitivity) {
        if (sensitivity < PropTags.SENSITIVITY_NONE || sensitivity > PropTags.SENSITIVITY_CONFIDENTIAL) {
            throw new IllegalArgumentException("sensitivity is 0 (none) to 3 (company confidential)");
        }
        return put(Property.of(PropTags.SENSITIVITY, sensitivity));
    }

    public TypedMessage messageClass(String messageClass) {
        return put(Property.of(PropTags.MESSAGE_CLASS, messageClass));
    }

    public TypedMessage messageId(String id) {
        return put(Property.of(PropTags.INTERNET_MESSAGE_ID, id));
    }

    public TypedMessage submitted(Instant when) {
        return put(new Property(PropTags.CLIENT_SUBMIT_TIME, new PropValue.Time(when)));
    }

    /** An attachment from octets in memory. */
    public TypedMessage attach(String fileName, String contentType, byte[] data) {
        attachments.add(AttachmentRow.of(Blob.of(data), fileName, contentType, null));
        return this;
    }

    /** An attachment read from a file when the message is sent (never held in memory). */
    public TypedMessage attach(String fileName, String contentType, Path file) throws IOException {
        long size = Files.size(file);
        attachments.add(AttachmentRow.of(new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        }, fileName, contentType, null));
        return this;
    }

    /** Any other property of the message itself. */
    public TypedMessage put(Property p) {
        props.removeIf(x -> x.tag().id() == p.tag().id());
        props.add(p);
        return this;
    }

    public PropMessage build() {
        if (recipients.isEmpty()) {
            throw new IllegalStateException("a message needs a recipient");
        }
        return new PropMessage(PropertySet.of(props), recipients, attachments);
    }
}
