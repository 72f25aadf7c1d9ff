package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.Envelope.Address;
import org.postrider.api.store.MessageStructure;

class StructureWriterTest {
    static BodyPart leaf(String type, String subtype, List<Parameter> params, String id, String desc, String enc,
            long size, long lines) {
        return new BodyPart(type, subtype, params, id, desc, enc, 0, 100, 100 + size, lines, null, null, List.of(), null,
                List.of(), null, null);
    }

    static BodyPart multipart(String subtype, List<BodyPart> parts) {
        return new BodyPart("multipart", subtype, List.of(new Parameter("boundary", "xyz")), null, null, null, 0, 50, 9000,
                0, null, null, List.of(), null, parts, null, null);
    }

    private static String body(BodyPart p, boolean ext) {
        ResponseWriter w = new ResponseWriter(false);
        StructureWriter.body(w, new MessageStructure(null, p, null, List.of(), false), ext);
        return new String(w.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void rfc3501SinglePart() {
        BodyPart p = leaf("text", "plain", List.of(new Parameter("charset", "US-ASCII")), null, null, "7bit", 3028, 92);
        assertEquals("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)", body(p, false));
        assertEquals("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92 NIL NIL NIL NIL)", body(p, true));
    }

    @Test
    void rfc3501Multipart() {
        BodyPart a = leaf("text", "plain", List.of(new Parameter("charset", "US-ASCII")), null, null, "7bit", 1152, 23);
        BodyPart b = leaf("text", "plain", List.of(new Parameter("charset", "US-ASCII"), new Parameter("name", "cc.diff")),
                "<960723163407.20117h@cac.washington.edu>", "Compiler diff", "base64", 4554, 73);
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" "
                + "(\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" "
                + "\"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")", body(multipart("mixed", List.of(a, b)), false));
    }

    @Test
    void extensionDataAndNestedMessage() {
        BodyPart att = new BodyPart("application", "pdf", List.of(new Parameter("name", "a.pdf")), null, null, "base64",
                0, 10, 110, 0, "md5sum", new BodyPart.Disposition("attachment", List.of(new Parameter("filename", "a.pdf"))),
                List.of("en", "de"), "http://x/a.pdf", List.of(), null, null);
        assertEquals("(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 100 \"md5sum\" "
                + "(\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) (\"en\" \"de\") \"http://x/a.pdf\")", body(att, true));
        BodyPart inner = leaf("text", "plain", List.of(), null, null, null, 5, 1);
        Envelope env = new Envelope("Mon, 1 Jan 2024", "hi", List.of(new Address(null, null, "a", "b.example")), null, null,
                null, null, null, null, "<1@b>");
        BodyPart msg = new BodyPart("message", "rfc822", List.of(), null, null, "7bit", 0, 10, 210, 7, null, null,
                List.of(), null, List.of(), env, inner);
        assertEquals("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 200 (\"Mon, 1 Jan 2024\" \"hi\" ((NIL NIL \"a\" "
                + "\"b.example\")) ((NIL NIL \"a\" \"b.example\")) ((NIL NIL \"a\" \"b.example\")) NIL NIL NIL NIL "
                + "\"<1@b>\") (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1) 7)", body(msg, false));
        assertEquals("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"xyz\") "
                + "NIL NIL NIL)", body(multipart("mixed", List.of(inner)), true).substring(1));
    }

    @Test
    void truncatedStructuresStillParse() {
        // a multipart whose parts the store cut off, a message/rfc822 without its message
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) \"MIXED\")",
                body(multipart("mixed", List.of()), false));
        BodyPart msg = new BodyPart("message", "rfc822", List.of(), null, null, null, 0, 10, 10, 0, null, null,
                List.of(), null, List.of(), null, null);
        assertEquals("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 0 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
                + "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) 0)", body(msg, false));
    }

    @Test
    void missingTypeIsTextPlain() {
        // the store always sets a type; the writer still never fails on a part without one
        assertEquals("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)", body(leaf(null, null, List.of(), null, null, null, 0, 0), false));
    }

    @Test
    void rfc3501Envelope() {
        Address gray = new Address("Terry Gray", null, "gray", "cac.washington.edu");
        Envelope e = new Envelope("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", "IMAP4rev1 WG mtg summary and minutes",
                List.of(gray), null, List.of(), List.of(new Address(null, null, "imap", "cac.washington.edu")),
                List.of(new Address(null, null, "minutes", "CNRI.Reston.VA.US"),
                        new Address("John Klensin", null, "KLENSIN", "MIT.EDU")), null, null,
                "<B27397-0100000@cac.washington.edu>");
        ResponseWriter w = new ResponseWriter(false);
        StructureWriter.envelope(w, e);
        assertEquals("(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
                + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" "
                + "\"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" "
                + "\"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" "
                + "\"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\")",
                new String(w.toByteArray(), StandardCharsets.UTF_8));
    }
}
