package org.postrider.kit.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.Envelope.Address;

class HeaderFieldParsersTest {
    @Test
    void addressForms() {
        assertEquals(List.of(new Address("Pete", null, "pete", "silly.example")),
                AddressParser.parse("Pete(A nice \\) chap) <pete(his account)@silly.example(his host)>"));
        assertEquals(List.of(new Address(null, null, "\"Joe Q. Public\"", "example.com")),
                AddressParser.parse("\"Joe Q. Public\"@example.com"));
        assertEquals(List.of(new Address("John Q. Public", null, "john.q.public", "example.com")),
                AddressParser.parse("John Q. Public <john.q.public@example.com>"));
        assertEquals(List.of(new Address(null, null, "", "")), AddressParser.parse("<>"));
        assertEquals(List.of(new Address(null, null, "=?utf-8?q?J=C3=BCrgen?=", "")),
                AddressParser.parse("=?utf-8?q?J=C3=BCrgen?="), "a word without @ is a mailbox, never a group");
        assertEquals(List.of(new Address("=?utf-8?q?J=C3=BCrgen?=", null, "j", "x.de")),
                AddressParser.parse("=?utf-8?q?J=C3=BCrgen?= <j@x.de>"), "encoded words are kept");
        assertEquals(List.of(), AddressParser.parse(",,, ;; ()"));
    }

    @Test
    void dates() {
        assertEquals(Instant.parse("2026-03-03T09:15:00Z"), DateParser.parse("Tue, 3 Mar 2026 10:15:00 +0100"));
        assertEquals(Instant.parse("2026-03-03T10:15:00Z"), DateParser.parse("3 mar 2026 10:15 (comment) GMT"));
        assertEquals(Instant.parse("1999-12-31T23:59:59Z"), DateParser.parse("Fri, 31 Dec 99 23:59:59 -0000"));
        assertNull(DateParser.parse("31 Feb 2026 10:00:00 +0000"));
        assertNull(DateParser.parse("yesterday"));
        assertNull(DateParser.parse("1 Jan 2026 25:00:00 +0000"));
        assertNull(DateParser.parse(""));
    }

    @Test
    void datesAsWritten() {
        assertEquals(OffsetDateTime.parse("2026-03-04T22:00-05:00"), DateParser.written("Wed, 4 Mar 2026 22:00:00 EST"));
        assertEquals(LocalDate.of(2026, 3, 6), DateParser.written("Fri, 6 Mar 26 21:00:00 -0500").toLocalDate());
        assertEquals(LocalDate.of(2026, 3, 3), DateParser.written("3 Mar 2026 00:15 +0900").toLocalDate());
        assertNull(DateParser.written(null));
        assertNull(DateParser.written("31 Feb 2026 10:00:00 +0000"));
    }

    @Test
    void contentTypeParameters() {
        Params p = Params.parse("Text/Plain; CharSet=\"utf-8\" (comment); format=flowed");
        assertEquals("Text/Plain", p.value());
        assertEquals(List.of(new Parameter("charset", "utf-8"), new Parameter("format", "flowed")), p.parameters());
        assertEquals("utf-8", p.get("charset"));
        assertNull(p.get("name"));
        Params rfc2231 = Params.parse("attachment; filename*0*=utf-8''J%C3%BCr; filename*1=gen.txt");
        assertEquals("attachment", rfc2231.value());
        assertEquals("Jürgen.txt", rfc2231.get("filename"), "RFC 2231 sections joined and decoded");
    }
}
