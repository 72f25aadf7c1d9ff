package org.postrider.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BaseSubjectTest {
    private static String base(String s) {
        return BaseSubject.of(s).text();
    }

    private static boolean marked(String s) {
        return BaseSubject.of(s).replyOrForward();
    }

    @Test
    void plainSubjectsStay() {
        assertEquals("Hello world", base("Hello world"));
        assertFalse(marked("Hello world"));
        assertEquals("", base(null));
        assertEquals("", base(""));
        assertEquals("", base("   \t "));
        assertEquals("Reply", base("Reply"), "\"re\" without a colon is text");
        assertEquals("Fwdx: a", base("Fwdx: a"));
        assertEquals("regarding: x", base("regarding: x"));
    }

    @Test
    void whiteSpaceIsNormalized() {
        assertEquals("a b c", base("  a\t\tb \r\n c  "));
        assertEquals("a b", base("a  \t  b"));
    }

    @Test
    void replyAndForwardLeadersGo() {
        assertEquals("Hello", base("Re: Hello"));
        assertEquals("Hello", base("RE: Hello"));
        assertEquals("Hello", base("re:Hello"));
        assertEquals("Hello", base("Re : Hello"), "*WSP before the colon");
        assertEquals("Hello", base("Fw: Hello"));
        assertEquals("Hello", base("FWD: Hello"));
        assertEquals("Hello", base("Re: Re: Fwd: re: Hello"));
        assertEquals("Hello", base("Re[2]: Hello"), "a blob inside subj-refwd");
        assertEquals("Hello", base("Re [2] : Hello"));
        assertTrue(marked("Re: Hello"));
        assertTrue(marked("fwd: Hello"));
    }

    @Test
    void blobsGoWhenTextFollows() {
        assertEquals("Hello", base("[list] Hello"));
        assertEquals("Hello", base("[list] Re: Hello"));
        assertEquals("Hello", base("Re: [list] Hello"));
        assertEquals("Hello", base("[a][b] [c] Re: [d] Hello"));
        assertEquals("Hello", base("[a] [b] Hello"));
        assertFalse(marked("[list] Hello"), "a blob is no reply marker");
        assertTrue(marked("[list] Re: Hello"));
    }

    @Test
    void aSubjectOfBlobsKeepsItsLast() {
        assertEquals("[only]", base("[only]"));
        assertEquals("[b]", base("[a] [b]"));
        assertEquals("[b]", base("[a] [b] "));
        assertEquals("[b]", base("Re: [a] [b]"));
    }

    @Test
    void unclosedOrNestedBracketsAreText() {
        assertEquals("[a Hello", base("[a Hello"));
        assertEquals("[a [b] Hello", base("[a [b] Hello"), "'[' is no BLOBCHAR");
        assertEquals("a] Hello", base("a] Hello"));
    }

    @Test
    void fwdTrailersGo() {
        assertEquals("Hello", base("Hello (fwd)"));
        assertEquals("Hello", base("Hello (FWD) (fwd)  "));
        assertEquals("Hello(fwd)x", base("Hello(fwd)x"));
        assertTrue(marked("Hello (fwd)"));
    }

    @Test
    void fwdWrappersUnwrap() {
        assertEquals("Hello", base("[Fwd: Hello]"));
        assertEquals("Hello", base("[fwd: Re: Hello]"));
        assertEquals("Hello", base("Re: [Fwd: [list] Re: Hello (fwd)]"));
        assertEquals("Hello", base("[fwd: [fwd: Hello]]"));
        assertEquals("", base("[fwd: ]"));
        assertEquals("", base("[fwd:]"), "a wrapper around nothing");
        assertEquals("[fwd:", base("[fwd:"), "no trailer");
        assertEquals("[fwd:x", base("[fwd:x"));
        assertTrue(marked("[Fwd: Hello]"));
        assertEquals("Hello", base("[list] [Fwd: Hello]"));
    }

    @Test
    void encodedWordsAreDecodedFirst() {
        assertEquals("Prüfbericht", base("=?utf-8?q?Re=3A_Pr=C3=BCfbericht?="));
        assertTrue(marked("=?utf-8?q?Re=3A_Pr=C3=BCfbericht?="));
        assertEquals("Grüße", base("Re: =?iso-8859-1?q?Gr=FC=DFe?="));
        assertEquals("a b", base("=?utf-8?b?YQ==?= =?utf-8?b?IA==?= b"), "decoded, then spaces normalized");
    }

    @Test
    void rfc5256SortExamplesShareTheirBase() {
        String[] same = {"Re: test", "[Fwd: test]", "test (fwd)", "Fwd: [list] Re: test", "RE:  [x]  test  "};
        for (String s : same) {
            assertEquals("test", base(s), s);
        }
    }

    @Test
    void linearOnHostileInput() {
        String many = "re: ".repeat(100_000) + "x";
        assertEquals("x", base(many));
        String blobs = "[a]".repeat(100_000) + " x";
        assertEquals("x", base(blobs));
        String onlyBlobs = "[a]".repeat(100_000);
        assertEquals("[a]", base(onlyBlobs));
        String wrappers = "[fwd:".repeat(50_000) + "x" + "]".repeat(50_000);
        assertEquals("x", base(wrappers));
        String openBlobs = "[".repeat(100_000);
        assertEquals(openBlobs, base(openBlobs));
    }
}
