package org.postrider.api.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MailAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice@example.org|alice|example.org",
        "Alice.Smith+tag@Example.ORG|Alice.Smith+tag|example.org",
        "\"john doe\"@example.org|\"john doe\"|example.org",
        "\"a\\\"b\"@example.org|\"a\\\"b\"|example.org",
        "user@[192.0.2.1]|user|[192.0.2.1]",
        "user@[IPv6:2001:DB8::1]|user|[IPv6:2001:db8::1]",
        "o'brien@example.org|o'brien|example.org",
        "jürgen@bücher.example|jürgen|xn--bcher-kva.example",
        "用户@例子.广告|用户|xn--fsqu00a.xn--4rr70v",
    })
    void acceptsValidAddresses(String text, String local, String domain) throws Exception {
        MailAddress a = MailAddress.parse(text);
        assertEquals(local, a.localPart());
        assertEquals(domain, a.domain().ascii());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "alice", "@example.org", "alice@", "alice@@example.org",
        "@relay.example:alice@example.org",          // source route
        "@a,@b:alice@example.org",                   // source route list
        "alice%victim.example@example.org",           // percent hack
        "victim.example!alice@example.org",           // bang path
        "\"alice@victim.example\"@example.org",       // quoted local part hiding '@'
        "\"alice%victim\"@example.org",
        "alice@example.org.",                         // trailing dot
        "alice@example..org", "alice@.example.org", "alice@-example.org", "alice@example-.org",
        ".alice@example.org", "alice.@example.org", "al..ice@example.org",
        "ali\0ce@example.org", "alice\r@example.org", "alice\n@example.org", "alice@exa\rmple.org",
        "ali ce@example.org", "alice@exa mple.org", "<alice@example.org>",
        "alice@[300.1.1.1]", "alice@[1.2.3]", "alice@[01.2.3.4]", "alice@[IPv6:1::2::3]",
        "alice@[IPv6:12345::1]", "alice@[tag:general]", "alice@[1.2.3.4",
        "\"unterminated@example.org", "\"\"@example.org", "\"a\\\u0001\"@example.org",
        "al\u0085ice@example.org",                    // C1 control (NEL)
        "al\u202Eice@example.org",                    // bidi override
        "al\uFFFDice@example.org",                    // replacement character: a bad decode
        "al\uD800ice@example.org",                    // unpaired surrogate
        "alice@exam\u00A0ple.org",
    })
    void refusesInvalidAndRoutingForms(String text) {
        assertThrows(InvalidAddressException.class, () -> MailAddress.parse(text));
    }

    @Test
    void explainsRoutingRefusals() {
        assertEquals("percent-hack routing is not accepted",
                assertThrows(InvalidAddressException.class, () -> MailAddress.parse("a%b@c.org")).getMessage());
        assertEquals("bang-path routing is not accepted",
                assertThrows(InvalidAddressException.class, () -> MailAddress.parse("b!a@c.org")).getMessage());
        assertEquals("source routes are not accepted",
                assertThrows(InvalidAddressException.class, () -> MailAddress.parse("@r:a@c.org")).getMessage());
    }

    @Test
    void enforcesLengthLimits() throws Exception {
        String local64 = "a".repeat(64);
        MailAddress.parse(local64 + "@example.org");
        assertThrows(InvalidAddressException.class, () -> MailAddress.parse(local64 + "a@example.org"));
        // 32 two-octet characters are 64 octets; one more is over, though only 33 chars.
        MailAddress.parse("ü".repeat(32) + "@example.org");
        assertThrows(InvalidAddressException.class, () -> MailAddress.parse("ü".repeat(33) + "@example.org"));
        String label63 = "b".repeat(63);
        MailAddress.parse("a@" + label63 + ".org");
        assertThrows(InvalidAddressException.class, () -> MailAddress.parse("a@" + label63 + "b.org"));
        String longDomain = (label63 + ".").repeat(3) + "c".repeat(61); // 253 octets
        assertEquals(253, longDomain.length());
        assertThrows(InvalidAddressException.class, () -> MailAddress.parse(local64 + "@" + longDomain));
        assertThrows(InvalidAddressException.class, () -> MailAddress.parse("a".repeat(100_000) + "@x.org"));
    }

    @Test
    void comparesDomainsCanonically() throws Exception {
        assertEquals(MailAddress.parse("bob@EXAMPLE.org"), MailAddress.parse("bob@example.ORG"));
        assertFalse(MailAddress.parse("Bob@example.org").equals(MailAddress.parse("bob@example.org")));
        assertEquals("bob@example.org", MailAddress.parse("Bob@Example.org").lookupKey());
        assertEquals(MailAddress.parse("x@bücher.example"), MailAddress.parse("x@xn--bcher-kva.example"));
    }

    @Test
    void knowsWhenSmtpUtf8IsNeeded() throws Exception {
        assertTrue(MailAddress.parse("jürgen@example.org").needsSmtpUtf8());
        assertFalse(MailAddress.parse("juergen@bücher.example").needsSmtpUtf8());
        assertEquals("juergen@bücher.example", MailAddress.parse("juergen@bücher.example").toUnicodeString());
    }
}
