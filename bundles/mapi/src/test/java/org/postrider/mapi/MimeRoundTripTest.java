package org.postrider.mapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

class MimeRoundTripTest {
    @Test
    void generatedMessagesComeBackEqual() throws IOException {
        Random r = new Random(20261130);
        for (int i = 0; i < 400; i++) {
            PropMessage m = Messages.mapped(r);
            byte[] mime = Messages.mime(m);
            PropMessage back = MimeReader.read(Messages.content(mime), MimeWriter.envelopeRecipients(m),
                    MimeReader.Limits.DEFAULTS);
            assertEquals(Messages.inline(m), Messages.inline(back),
                    "message " + i + ":\n" + new String(mime, StandardCharsets.UTF_8));
        }
    }

    @Test
    void theTextIsCorrectMime() throws IOException {
        PropMessage m = new PropMessage(PropertySet.of(
                Property.of(PropTags.SUBJECT, "Grüße aus Athen"),
                Property.of(PropTags.SENDER_EMAIL_ADDRESS, "spyros@example.org"),
                Property.of(PropTags.SENDER_NAME, "Σπύρος"),
                Property.of(PropTags.BODY, "Hello\r\n"),
                Property.of(PropTags.IMPORTANCE, PropTags.IMPORTANCE_HIGH)),
                List.of(RecipientRow.of(PropTags.MAPI_TO, "mark@example.net", "Mark"),
                        RecipientRow.of(PropTags.MAPI_BCC, "secret@example.net", null)),
                List.of(AttachmentRow.of(Blob.of(new byte[] {1, 2, 3}), "résumé.pdf", "application/pdf", null)));
        String text = new String(Messages.mime(m), StandardCharsets.UTF_8);
        assertTrue(text.contains("Subject: =?UTF-8?B?"), text);
        assertTrue(text.contains("From: =?UTF-8?B?"), text);
        assertTrue(text.contains("To: \"Mark\" <mark@example.net>\r\n"), text);
        assertFalse(text.toLowerCase().contains("secret"), "Bcc never in the header: " + text);
        assertTrue(text.contains("filename*0*=UTF-8''r%C3%A9sum%C3%A9.pdf"), text);
        assertTrue(text.contains("Content-Type: multipart/mixed;"), text);
        assertTrue(text.contains("Importance: high\r\nX-Priority: 1\r\n"), text);
        assertTrue(text.contains("MIME-Version: 1.0\r\n"), text);
        for (String line : text.split("\r\n", -1)) {
            assertTrue(line.length() <= 998, "line of " + line.length());
            assertFalse(line.contains("\r") || line.contains("\n"), "bare CR or LF");
        }
        assertEquals(List.of("mark@example.net", "secret@example.net"), MimeWriter.envelopeRecipients(m));
    }

    @Test
    void lineBreaksOfTheBodyBecomeCrlf() throws IOException {
        PropMessage m = new PropMessage(PropertySet.of(Property.of(PropTags.BODY, "a\nb\rc\r\nd")),
                List.of(RecipientRow.of(PropTags.MAPI_TO, "a@example.net", null)), List.of());
        PropMessage back = MimeReader.read(Messages.content(Messages.mime(m)), List.of(), MimeReader.Limits.DEFAULTS);
        assertEquals("a\r\nb\r\nc\r\nd", back.properties().text(PropTags.BODY).orElseThrow());
    }

    @Test
    void anInternetMessageReadsAsItsHeadline() throws IOException {
        String mime = "From: \"Mark (Arlington)\" <mark@example.net>\r\n"
                + "To: spyros@example.org, Undisclosed recipients:;\r\n"
                + "Cc: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>\r\n"
                + "Subject: =?ISO-8859-1?Q?R=E9ponse?=\r\n folded\r\n"
                + "Date: Mon, 30 Nov 2026 04:46:29 +0100\r\n"
                + "Message-ID: <1@example.net>\r\n"
                + "X-Priority: 5 (Lowest)\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "caf=E9\r\n"
                + "--b\r\nContent-Type: application/octet-stream; name=\"=?UTF-8?B?w6kudHh0?=\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n";
        PropMessage m = MimeReader.read(Messages.content(mime.getBytes(StandardCharsets.ISO_8859_1)),
                List.of("spyros@example.org", "hidden@example.org"), MimeReader.Limits.DEFAULTS);
        var p = m.properties();
        assertEquals("mark@example.net", p.text(PropTags.SENDER_EMAIL_ADDRESS).orElseThrow());
        assertEquals("Mark (Arlington)", p.text(PropTags.SENDER_NAME).orElseThrow());
        assertEquals("Réponse folded", p.text(PropTags.SUBJECT).orElseThrow());
        assertEquals("café", p.text(PropTags.BODY).orElseThrow());
        assertEquals(PropTags.IMPORTANCE_LOW, p.int32(PropTags.IMPORTANCE).orElseThrow());
        assertEquals(java.time.Instant.parse("2026-11-30T03:46:29Z"),
                ((PropValue.Time) p.get(PropTags.CLIENT_SUBMIT_TIME).orElseThrow()).value());
        assertEquals(List.of("spyros@example.org", "andre@example.org", "hidden@example.org"),
                m.recipients().stream().map(RecipientRow::address).toList());
        assertEquals(List.of(PropTags.MAPI_TO, PropTags.MAPI_CC, PropTags.MAPI_BCC),
                m.recipients().stream().map(RecipientRow::type).toList());
        assertEquals("André", m.recipients().get(1).displayName().orElseThrow());
        AttachmentRow a = m.attachments().get(0);
        assertEquals("é.txt", a.fileName().orElseThrow());
        assertEquals("application/octet-stream", a.mimeTag().orElseThrow());
        assertEquals(3, a.data().size());
    }

    @Test
    void theOriginalIsWhatIsWritten() throws IOException {
        byte[] original = "Subject: x\r\nX-Custom: kept\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        PropMessage m = MimeReader.read(Messages.content(original), List.of("a@example.org"), MimeReader.Limits.DEFAULTS);
        PropMessage carried = MimeReader.withOriginal(m, Messages.content(original));
        org.junit.jupiter.api.Assertions.assertArrayEquals(original, Messages.mime(carried));
    }
}
