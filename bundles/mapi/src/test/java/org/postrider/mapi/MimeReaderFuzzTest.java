package org.postrider.mapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.List;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.RecipientRow;

/**
 * Fuzz target for the MIME to properties reader: any octets give properties (never an
 * exception), within the bounds; every stream gives exactly its length when opened (the
 * second walk finds the part again); and what was read, written as MIME and read again, has
 * the same headline (sender, subject, recipients). Read twice: default bounds and tiny ones.
 */
class MimeReaderFuzzTest {
    private static final MimeReader.Limits TINY = new MimeReader.Limits(3, 2, 3, 64);

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        check(input, MimeReader.Limits.DEFAULTS);
        check(input, TINY);
    }

    private static void check(byte[] input, MimeReader.Limits limits) throws IOException {
        PropMessage m = MimeReader.read(Messages.content(input), List.of("env@example.org"), limits);
        assertTrue(m.recipients().size() <= limits.maxRecipients(), "recipients");
        assertTrue(m.attachments().size() <= limits.maxParts(), "parts");
        long inline = 0;
        for (Property p : m.properties().properties()) {
            if (p.tag().equals(PropTags.BODY) || p.tag().equals(PropTags.HTML)) {
                inline += size(p.value());
            }
        }
        for (AttachmentRow a : m.attachments()) {
            for (Property p : a.properties().properties()) {
                if (p.tag().equals(PropTags.ATTACH_DATA_BIN)) {
                    inline += size(p.value());
                }
            }
        }
        assertTrue(inline <= limits.maxInlineOctets(), "kept in memory " + inline);
        PropMessage all = Messages.inline(m); // opens every stream, checks its length
        PropMessage again = MimeReader.read(Messages.content(Messages.mime(all)), MimeWriter.envelopeRecipients(all),
                MimeReader.Limits.DEFAULTS);
        for (var tag : List.of(PropTags.SUBJECT, PropTags.SENDER_EMAIL_ADDRESS, PropTags.SENDER_NAME,
                PropTags.INTERNET_MESSAGE_ID, PropTags.IMPORTANCE, PropTags.SENSITIVITY)) {
            assertEquals(m.properties().get(tag), again.properties().get(tag), tag.toString());
        }
        assertEquals(m.recipients().stream().map(RecipientRow::properties).toList(),
                again.recipients().stream().map(RecipientRow::properties).toList());
    }

    private static long size(PropValue v) {
        return switch (v) {
            case PropValue.Text t -> t.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            case PropValue.Bytes b -> b.length();
            default -> 0;
        };
    }
}
