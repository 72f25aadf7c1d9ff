package org.postrider.mapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;

/** The MIME reader's bounds, long lines, and header values that try to become fields. */
class MimeBoundsTest {
    private static PropMessage read(String mime, MimeReader.Limits limits) throws IOException {
        return MimeReader.read(Messages.content(mime.getBytes(StandardCharsets.UTF_8)), List.of(), limits);
    }

    @Test
    void aOneMegabyteBase64LineAndALongTextLineAreRead() throws IOException {
        byte[] data = new byte[768 * 1024];
        new Random(5).nextBytes(data);
        String text = "y".repeat(200_000);
        String mime = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n" + text
                + "\r\n--b\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getEncoder().encodeToString(data) + "\r\n--b--\r\n";
        PropMessage m = read(mime, MimeReader.Limits.DEFAULTS);
        assertEquals(text, m.properties().text(PropTags.BODY).orElseThrow());
        assertArrayEquals(data, Messages.read(m.attachments().get(0).data()));
    }

    @Test
    void partsDepthAndRecipientsAreBounded() throws IOException {
        StringBuilder many = new StringBuilder("To: ");
        for (int i = 0; i < 20; i++) {
            many.append(i > 0 ? ", " : "").append("u").append(i).append("@example.org");
        }
        many.append("\r\nCc: c@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            many.append("--b\r\nContent-Type: application/octet-stream\r\n\r\npart").append(i).append("\r\n");
        }
        many.append("--b--\r\n");
        PropMessage m = read(many.toString(), new MimeReader.Limits(5, 4, 7, 1 << 20));
        assertEquals(5, m.attachments().size());
        assertEquals(7, m.recipients().size());
        assertTrue(m.recipients().stream().allMatch(r -> r.type() == PropTags.MAPI_TO));

        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            deep.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i).append("\r\n");
        }
        deep.append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        assertTrue(read(deep.toString(), new MimeReader.Limits(5, 4, 7, 1 << 20)).properties().get(PropTags.BODY).isEmpty(),
                "past the depth bound nothing more is read");
        assertEquals("deep\r\n", read(deep.toString(), MimeReader.Limits.DEFAULTS).properties().text(PropTags.BODY).orElseThrow());
    }

    @Test
    void valuesOverTheMemoryBudgetAreStreamsThatParseAgain() throws IOException {
        String body = "é".repeat(3000); // 6000 octets of UTF-8, from Latin-1
        String mime = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + "=E9".repeat(3000)
                + "\r\n--b\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(new byte[5000]) + "\r\n--b--\r\n";
        PropMessage m = MimeReader.read(Messages.content(mime.getBytes(StandardCharsets.ISO_8859_1)), List.of(),
                new MimeReader.Limits(10, 4, 10, 4096));
        PropValue b = m.properties().get(PropTags.BODY).orElseThrow();
        assertInstanceOf(PropValue.Stream.class, b);
        assertEquals(6000, ((PropValue.Stream) b).blob().size());
        assertEquals(body, new String(Messages.read(((PropValue.Stream) b).blob()), StandardCharsets.UTF_8));
        AttachmentRow a = m.attachments().get(0);
        assertEquals("logo@x", a.contentId().orElseThrow());
        assertEquals(5000, a.data().size());
        assertArrayEquals(new byte[5000], Messages.read(a.data()));
        assertArrayEquals(new byte[5000], Messages.read(a.data()), "opened twice, the same");
    }

    @Test
    void propertyValuesCannotAddHeaderFields() throws IOException {
        PropMessage m = new PropMessage(PropertySet.of(
                Property.of(PropTags.SUBJECT, "hi\r\nBcc: victim@example.org"),
                Property.of(PropTags.SENDER_EMAIL_ADDRESS, "a@example.org\r\nX-Evil: 1"),
                Property.of(PropTags.INTERNET_MESSAGE_ID, "<1@x>\r\nX-Evil: 2"),
                Property.of(PropTags.SENDER_NAME, "n\r\nX-Evil: 3")),
                List.of(RecipientRow.of(PropTags.MAPI_TO, "b@example.org", "x\"\r\nX-Evil: 4")),
                List.of(AttachmentRow.of(Blob.of(new byte[1]), "f\r\nX-Evil: 5.txt", "text/plain\r\nX-Evil: 6", "c\r\nX-Evil: 7")));
        String text = new String(Messages.mime(m), StandardCharsets.UTF_8);
        for (String line : text.split("\r\n")) {
            assertFalse(line.startsWith("X-Evil") || line.startsWith("Bcc"), line + "\n" + text);
        }
        PropMessage back = MimeReader.read(Messages.content(Messages.mime(m)), List.of(), MimeReader.Limits.DEFAULTS);
        assertEquals("hi\r\nBcc: victim@example.org", back.properties().text(PropTags.SUBJECT).orElseThrow());
        assertEquals("x\"\r\nX-Evil: 4", back.recipients().get(0).displayName().orElseThrow());
        assertEquals("f\r\nX-Evil: 5.txt", back.attachments().get(0).fileName().orElseThrow());
        assertEquals("application/octet-stream", back.attachments().get(0).mimeTag().orElseThrow());
        assertTrue(back.properties().get(PropTags.SENDER_EMAIL_ADDRESS).isEmpty(), "an invalid sender is not written");
        assertEquals("<1@x>  X-Evil: 2", back.properties().text(PropTags.INTERNET_MESSAGE_ID).orElseThrow());
    }

    @Test
    void importanceComesFromXPriorityWhenImportanceIsAbsent() throws IOException {
        assertEquals(PropTags.IMPORTANCE_HIGH, read("X-Priority: 2\r\n\r\nx", MimeReader.Limits.DEFAULTS)
                .properties().int32(PropTags.IMPORTANCE).orElseThrow());
        assertEquals(PropTags.IMPORTANCE_NORMAL, read("X-Priority: 1\r\nImportance: Normal\r\n\r\nx",
                MimeReader.Limits.DEFAULTS).properties().int32(PropTags.IMPORTANCE).orElseThrow());
        assertTrue(read("X-Priority: urgent\r\n\r\nx", MimeReader.Limits.DEFAULTS).properties().get(PropTags.IMPORTANCE).isEmpty());
    }

    @Test
    void aFieldWithANonAsciiNameIsSkipped() throws IOException {
        byte[] mime = "Subject: kept\r\nN\u00e4me: x\r\nX\u00ff\r\nContent-Type: text/plain\r\n\r\nbody"
                .getBytes(StandardCharsets.ISO_8859_1);
        PropMessage m = MimeReader.read(Messages.content(mime), List.of(), MimeReader.Limits.DEFAULTS);
        assertEquals("kept", m.properties().text(PropTags.SUBJECT).orElseThrow());
        assertEquals("body", m.properties().text(PropTags.BODY).orElseThrow());
    }
}
