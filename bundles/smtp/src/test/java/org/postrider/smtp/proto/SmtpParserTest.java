package org.postrider.smtp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpParserTest {
    @Test
    void parsesVerbsAndPaths() throws Exception {
        assertEquals(new SmtpRequest("EHLO", "client.example"), SmtpParser.request("ehlo client.example"));
        assertEquals(new SmtpRequest("DATA", ""), SmtpParser.request("DATA"));
        SmtpPath from = SmtpParser.mailFrom("FROM:<alice@example.org> SIZE=1000 BODY=8BITMIME");
        assertEquals("alice@example.org", from.address().toString());
        assertEquals(Map.of("SIZE", "1000", "BODY", "8BITMIME"), from.params());
        assertNull(SmtpParser.mailFrom("FROM:<>").address());
        assertEquals("bob@example.org", SmtpParser.mailFrom("FROM: <bob@example.org>").address().toString());
        SmtpPath to = SmtpParser.rcptTo("TO:<\"john doe\"@example.org> NOTIFY=SUCCESS,FAILURE", "example.org");
        assertEquals("\"john doe\"@example.org", to.address().toString());
        assertEquals("postmaster@example.org", SmtpParser.rcptTo("TO:<Postmaster>", "example.org").address()
                .toString());
    }

    @Test
    void refusesRoutingTricksAndMalformedPaths() {
        for (String bad : new String[] {"TO:<@relay.example:bob@example.org>", "TO:<@a,@b:bob@example.org>",
            "TO:<bob%victim.example@example.org>", "TO:<victim!bob@example.org>", "TO:<\"bob@victim\"@example.org>",
            "TO:bob@example.org", "TO:<bob@example.org", "TO:<>", "TO:<bob@example.org>NOTIFY=NEVER",
            "TO:<bob@example.org> X=1 X=2", "FROM:<a@b.org>"}) {
            assertThrows(SmtpParser.Invalid.class, () -> SmtpParser.rcptTo(bad, "example.org"), bad);
        }
        assertTrue(assertThrows(SmtpParser.Invalid.class, () -> SmtpParser.rcptTo("TO:<@r:b@example.org>", "x"))
                .reply().startsWith("501 5.1.7"));
        for (String bad : new String[] {"", "MAIL\u0000", "DATA\u0007", "12345", "WAYTOOLONGVERB"}) {
            assertThrows(SmtpParser.Invalid.class, () -> SmtpParser.request(bad), bad);
        }
    }

    @Test
    void decodesXtextStrictly() throws Exception {
        assertEquals("rfc822;bob+tag@example.org", "rfc822;" + SmtpParser.xtext("bob+2Btag@example.org"));
        assertThrows(SmtpParser.Invalid.class, () -> SmtpParser.xtext("bad+0D+0Ainjection"));
        assertThrows(SmtpParser.Invalid.class, () -> SmtpParser.xtext("lower+2b"));
        for (String v : new String[] {"bob+tag@example.org", "a=b c", "plain", "+=+"}) {
            assertEquals(v, SmtpParser.xtext(SmtpParser.toXtext(v)), "xtext round trip of " + v);
        }
        assertEquals("bob+2Btag+3Dx+20y", SmtpParser.toXtext("bob+tag=x y"));
        assertThrows(SmtpParser.Invalid.class, () -> SmtpParser.xtext("trunc+2"));
    }
}
