package org.postrider.kit.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EncodedWordsTest {
    @Test
    void decodes() {
        assertEquals("Prüfbericht attached", EncodedWords.decode("=?utf-8?q?Pr=C3=BCfbericht?= attached"));
        assertEquals("ab", EncodedWords.decode("=?utf-8?q?a?=  \t =?utf-8?q?b?="), "space between words goes");
        assertEquals("é", EncodedWords.decode("=?utf-8?b?w6k=?="));
        assertEquals("é", EncodedWords.decode("=?utf-8?q?=C3?= =?utf-8?q?=A9?="), "a character split between words");
        assertEquals("x a y", EncodedWords.decode("x =?iso-8859-1?q?a?= y"));
        assertEquals("é", EncodedWords.decode("=?utf-8*fr?b?w6k=?="), "RFC 2231 language suffix");
        assertEquals("a_b c", EncodedWords.decode("=?utf-8?Q?a=5Fb_c?="));
    }

    @Test
    void keepsWhatItCannotDecode() {
        assertEquals("=?nope?q?a?=", EncodedWords.decode("=?nope?q?a?="), "unknown charset");
        assertEquals("=??q?a?=", EncodedWords.decode("=??q?a?="), "empty charset");
        assertEquals("=?utf-8?q?a b?=", EncodedWords.decode("=?utf-8?q?a b?="), "no spaces in encoded text");
        assertEquals("=?utf-8?x?a?=", EncodedWords.decode("=?utf-8?x?a?="), "unknown encoding");
    }

    @Test
    void linearWithoutEnds() {
        String s = "=?a?b ".repeat(200_000);
        assertEquals(s, EncodedWords.decode(s));
        String t = "=?utf-8?q?" + "x".repeat(400_000);
        assertEquals(t, EncodedWords.decode(t));
    }
}
