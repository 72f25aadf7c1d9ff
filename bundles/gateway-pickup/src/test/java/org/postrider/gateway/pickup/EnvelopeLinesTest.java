package org.postrider.gateway.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;

class EnvelopeLinesTest {
    private static EnvelopeLines.Parsed parse(String s) throws EnvelopeLines.BadFile {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return EnvelopeLines.parse(b, b.length, true, 100);
    }

    private static String reason(String s) {
        return assertThrows(EnvelopeLines.BadFile.class, () -> parse(s)).getMessage();
    }

    @Test
    void readsTheIisFormWithBareAddressesAndLfLineEnds() throws Exception {
        String file = "x-sender: app@example.org\nx-receiver: bob@example.org\nX-Receiver: carol@example.net\n"
                + "Subject: hi\n\nbody\n";
        EnvelopeLines.Parsed p = parse(file);
        assertEquals("app@example.org", p.sender().toString());
        assertEquals(List.of("bob@example.org", "carol@example.net"),
                p.recipients().stream().map(MailAddress::toString).toList());
        assertEquals(file.indexOf("Subject"), p.messageOffset());
    }

    @Test
    void readsAngleBracketsCrlfAndTheNullSender() throws Exception {
        EnvelopeLines.Parsed p = parse("X-Receiver: <bob@example.org>\r\nx-sender: <>\r\nFrom: x\r\n\r\nb\r\n");
        assertNull(p.sender());
        assertEquals("bob@example.org", p.recipients().get(0).toString());
        assertNull(parse("x-sender:\r\nx-receiver: bob@example.org\r\nX: y\r\n").sender(), "an empty sender is <>");
    }

    @Test
    void whatItWritesItReadsBack() throws Exception {
        MailAddress a = MailAddress.parse("alice@example.org");
        List<MailAddress> rcpts = List.of(MailAddress.parse("b@example.net"), MailAddress.parse("c@example.net"));
        byte[] head = EnvelopeLines.format(a, rcpts, null);
        String file = new String(head, StandardCharsets.UTF_8) + "Subject: x\r\n\r\nbody\r\n";
        EnvelopeLines.Parsed p = parse(file);
        assertEquals(a, p.sender());
        assertEquals(rcpts, p.recipients());
        assertEquals(head.length, p.messageOffset());
        assertNull(parse(new String(EnvelopeLines.format(null, rcpts, null), StandardCharsets.UTF_8) + "X: y\r\n").sender());
    }

    @Test
    void refusesWhatCannotBeTakenWithAReason() {
        assertTrue(reason("x-receiver: b@example.org\nSubject: x\n").contains("no x-sender"));
        assertTrue(reason("x-sender: a@example.org\nSubject: x\n").contains("no x-receiver"));
        assertTrue(reason("Subject: no envelope\n\nbody\n").contains("no x-sender"));
        assertTrue(reason("x-sender: a@example.org\nx-sender: b@example.org\nx-receiver: c@example.org\nS: x\n")
                .contains("more than one x-sender"));
        assertTrue(reason("x-sender: a@example.org\nx-receiver: \nS: x\n").contains("empty x-receiver"));
        assertTrue(reason("x-sender: a@example.org\nx-receiver: not an address\nS: x\n").contains("not an address"));
        assertTrue(reason("x-sender: a@example.org\nx-receiver: @route,@x:b@example.org\nS: x\n")
                .contains("not an address"), "no source routes");
        assertTrue(reason("x-sender: a@example.org\nx-receiver: b@example.org\n").contains("no message"));
        assertTrue(reason("x-sender: a@example.org\nx-receiver: b@example.org").contains("ends in its envelope"));
        assertTrue(reason("x-sender: a@example.org\nx-receiver: b@example.org\rx\n").contains("not an address"),
                "a bare CR does not end an envelope line");
        assertTrue(reason("x-sender: a@example.org\nx-receiver: " + "b".repeat(1000) + "@example.org\nS: x\n")
                .contains("longer than 1000"));
    }

    @Test
    void refusesAnEnvelopeLineThatIsNotUtf8() {
        byte[] b = "x-sender: a@example.org\nx-receiver: b\u00ff@example.org\nS: x\n".getBytes(StandardCharsets.ISO_8859_1);
        String why = assertThrows(EnvelopeLines.BadFile.class, () -> EnvelopeLines.parse(b, b.length, true, 100))
                .getMessage();
        assertTrue(why.contains("not UTF-8"), why);
    }

    @Test
    void refusesMoreRecipientsThanAllowed() {
        String file = "x-sender: a@example.org\n" + "x-receiver: b@example.org\n".repeat(3) + "S: x\n";
        byte[] b = file.getBytes(StandardCharsets.UTF_8);
        assertThrows(EnvelopeLines.BadFile.class, () -> EnvelopeLines.parse(b, b.length, true, 2));
    }

    @Test
    void anEnvelopeCutAtTheEndOfWhatWasReadIsRefusedNotTakenForTheMessage() {
        byte[] b = "x-sender: a@example.org\nx-receiver: b@example.org\nx-rec".getBytes(StandardCharsets.UTF_8);
        String why = assertThrows(EnvelopeLines.BadFile.class, () -> EnvelopeLines.parse(b, b.length, false, 100))
                .getMessage();
        assertTrue(why.contains("longer than the part of the file read"), why);
    }
}
