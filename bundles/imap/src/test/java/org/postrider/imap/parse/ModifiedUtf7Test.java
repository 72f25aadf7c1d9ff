package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModifiedUtf7Test {
    @Test
    void rfc3501Examples() throws ImapSyntaxException {
        // RFC 3501 5.1.3: "~peter/mail/&U,BTFw-/&ZeVnLIqe-" is "~peter/mail/台北/日本語"
        assertEquals("~peter/mail/台北/日本語", ModifiedUtf7.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"));
        assertEquals("~peter/mail/&U,BTFw-/&ZeVnLIqe-", ModifiedUtf7.encode("~peter/mail/台北/日本語"));
        assertEquals("台北日本語", ModifiedUtf7.decode("&U,BTF2XlZyyKng-"));
        assertEquals("&-", ModifiedUtf7.encode("&"));
        assertEquals("Entw&APw-rfe", ModifiedUtf7.encode("Entwürfe"));
        assertEquals("Entwürfe", ModifiedUtf7.decode("Entw&APw-rfe"));
        assertEquals("A&-B", ModifiedUtf7.encode("A&B"));
        // a pair of surrogates: U+1F600
        String smile = new String(Character.toChars(0x1F600));
        assertEquals(smile, ModifiedUtf7.decode(ModifiedUtf7.encode(smile)));
    }

    @Test
    void nonCanonicalAndMalformedAreRefused() {
        String[] bad = {
            "&U,BTFw-&ZeVnLIqe-", // RFC 3501: two adjacent shifts are illegal, "&U,BTF2XlZyyKng-" is the form
            "&AGE-", // printable "a" shifted
            "&-&-x&", // unterminated shift
            "&", "&AAA", "&Jjo!-", // bad base64 char
            "&AAAA-", // NUL (and non-canonical bits)
            "&AAE-", // U+0001 control
            "&2D0-", // lone high surrogate
            "&3gA-", // lone low surrogate
            "&APw", // no terminator
            "&APx-", // non-zero padding bits
            "&APwA-", // extra sextet
            "a\u0001b", "ü", // raw control and raw 8-bit
        };
        for (String b : bad) {
            assertThrows(ImapSyntaxException.class, () -> ModifiedUtf7.decode(b), b);
        }
    }
}
