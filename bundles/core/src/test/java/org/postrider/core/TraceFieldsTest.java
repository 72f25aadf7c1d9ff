package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.MessageContent;

class TraceFieldsTest {
    private static MessageContent of(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return MessageContent.of(b);
    }

    private static String read(MessageContent c) throws Exception {
        try (InputStream in = c.open()) {
            String s = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(c.size(), s.length(), "size() tells the truth");
            return s;
        }
    }

    @Test
    void aReturnPathTheMessageBroughtIsDroppedWithItsContinuation() throws Exception {
        MessageContent c = of("Subject: a\r\nReturn-Path: <forged@example.net>\r\n\tcontinued\r\n"
                + "RETURN-PATH: <x@y.z>\r\nX-Return-Path: kept\r\n\r\nReturn-Path: in the body stays\r\n");
        String out = read(TraceFields.withTrace("Return-Path: <real@example.org>\r\n".getBytes(), c,
                TraceFields.header(c), true));
        assertEquals("Return-Path: <real@example.org>\r\nSubject: a\r\nX-Return-Path: kept\r\n\r\n"
                + "Return-Path: in the body stays\r\n", out);
    }

    @Test
    void withoutReturnPathTheContentIsOnlyPrefixed() throws Exception {
        MessageContent c = of("Subject: a\r\n\r\nbody\r\n");
        assertEquals("X: 1\r\nSubject: a\r\n\r\nbody\r\n", read(TraceFields.withTrace("X: 1\r\n".getBytes(), c,
                TraceFields.header(c), true)));
    }

    @Test
    void deliveredToIsFoundAsAWholeFieldOnly() throws Exception {
        String h = TraceFields.header(of("Subject: x\r\nDelivered-To: Bob@Example.org\r\n\r\nDelivered-To: c@d.e\r\n"));
        assertTrue(TraceFields.deliveredTo(h, MailAddress.parse("bob@example.org")));
        assertFalse(TraceFields.deliveredTo(h, MailAddress.parse("ob@example.org")));
        assertFalse(TraceFields.deliveredTo(h, MailAddress.parse("c@d.e")), "the body is not the header");
    }
}
