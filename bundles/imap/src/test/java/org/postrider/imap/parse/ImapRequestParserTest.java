package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapRequestParserTest {
    private static final ImapLimits L = ImapLimits.DEFAULTS;

    private static List<String> pre(String in) {
        return Driver.run(L, false, in);
    }

    private static List<String> post(String in) {
        return Driver.run(L, true, in);
    }

    @Test
    void rfcLoginAndTagging() {
        assertEquals(List.of("a001 LOGIN \"joe\" secret", "a002 NOOP"),
                pre("a001 LOGIN \"joe\" secret\r\na002 noop\r\n"));
    }

    @Test
    void quotedEscapesAndUtf8() {
        assertEquals(List.of("a SELECT \"a\"b\\c\"", "b SELECT \"Entwürfe\""),
                post("a SELECT \"a\\\"b\\\\c\"\r\nb SELECT \"Entwürfe\"\r\n"));
    }

    @Test
    void rfcAppendWithSynchronisingLiteral() {
        String msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nSubject: afternoon meeting\r\n\r\nHello Joe\r\n";
        String in = "A003 APPEND saved-messages (\\Seen) {" + msg.length() + "}\r\n" + msg + "\r\n";
        assertEquals(List.of("+", "A003 APPEND saved-messages (\\Seen) {" + msg.length() + "}" + msg), post(in));
    }

    @Test
    void nonSynchronisingLiteralNeedsNoContinuation() {
        assertEquals(List.of("a LOGIN {3}joe {6}secret"), pre("a LOGIN {3+}\r\njoe {6+}\r\nsecret\r\n"));
    }

    @Test
    void emptyLiteralAndEmptyList() {
        assertEquals(List.of("+", "a STORE 1 FLAGS () {0}"), post("a STORE 1 FLAGS () {0}\r\n\r\n"));
    }

    @Test
    void sectionSpecIsOneAtom() {
        assertEquals(List.of("a UID FETCH 1:* (BODY.PEEK[1.2.HEADER.FIELDS (From \"To\")]<0.1024> UID)"),
                post("a UID FETCH 1:* (BODY.PEEK[1.2.HEADER.FIELDS (From \"To\")]<0.1024> UID)\r\n"));
    }

    @Test
    void byteByByteEqualsWhole() {
        String in = "a LOGIN {3}\r\njoe \"pw\"\r\nb APPEND x (\\Seen) \"7-Feb-1994 21:52:25 -0800\" ~{4}\r\n\u0000\u0001ab\r\n"
                + "c FETCH 1 BODY[]\r\n";
        byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
        List<String> whole = Driver.run(L, true, bytes, new int[0]);
        assertEquals(3, whole.stream().filter(s -> !s.equals("+")).count(), whole.toString());
        for (int[] chunks : new int[][] {{1}, {2}, {3, 1, 7}, {13}}) {
            assertEquals(whole, Driver.run(L, true, bytes, chunks));
        }
    }

    @Test
    void binaryLiteralMayHoldNulOthersMayNot() {
        assertEquals(List.of("+", "a APPEND x ~{2}\u0000a"), post("a APPEND x ~{2}\r\n\u0000a\r\n"));
        assertEquals(List.of("+", "a BAD NUL in literal", "b NOOP"), post("a APPEND x {2}\r\n\u0000a\r\nb NOOP\r\n"));
    }

    @Test
    void hugeLiteralBeforeLoginIsRefusedWithoutContinuation() {
        // Cyrus CVE-2024-34055: {4294967296} granted before login
        assertEquals(List.of("a BAD [TOOBIG] literal too large", "b NOOP"), pre("a LOGIN {4294967296}\r\nb NOOP\r\n"));
        assertEquals(List.of("a BAD [TOOBIG] literal too large", "b NOOP"), pre("a LOGIN {8193}\r\nb NOOP\r\n"));
        assertEquals(List.of("+", "a LOGIN {3}joe x"), pre("a LOGIN {3}\r\njoe x\r\n"));
        // sizes past a long are refused, not parsed (a NumberFormatException escaped here once)
        assertEquals(List.of("a BAD [TOOBIG] literal too large", "b NOOP"), post("a X {9999999999999999999}\r\nb NOOP\r\n"));
    }

    @Test
    void theLiteralsOneCommandStreamsToDiskAreBoundedTogether() {
        // literal limit 1000, stream threshold 100: four 1000-octet literals pass, a fifth is refused
        ImapLimits small = new ImapLimits(1024, 8192, 1000, 1000, 100, 1 << 20, 8, 100);
        String lit = "x".repeat(1000);
        StringBuilder four = new StringBuilder("a APPEND box");
        for (int i = 0; i < 4; i++) {
            four.append(" {1000+}\r\n").append(lit);
        }
        List<String> ok = Driver.run(small, true, four + "\r\nb NOOP\r\n");
        assertEquals(2, ok.size(), ok::toString);
        assertEquals("b NOOP", ok.get(1));
        List<String> sync = Driver.run(small, true, four + " {1000}\r\nb NOOP\r\n");
        assertEquals(List.of("a BAD [TOOBIG] the command's literals are too large together", "b NOOP"), sync);
        assertEquals(List.of("* BYE the command's literals are too large together"),
                Driver.run(small, true, four + " {1000+}\r\n" + lit + "\r\n"));
        // the bound is per command: the next one streams again
        List<String> twice = Driver.run(small, true, four + "\r\n" + four + "\r\n");
        assertEquals(2, twice.size(), twice::toString);
    }

    @Test
    void tooLargeNonSynchronisingLiteralIsFatal() {
        List<String> ev = pre("a LOGIN {9000+}\r\nxxxx");
        assertEquals(List.of("* BYE non-synchronising literal too large"), ev);
        assertEquals(List.of("* BYE non-synchronising literal too large"), post("a X {99999999999999999999+}\r\nb\r\n"));
        ImapLimits literalMinus = new ImapLimits(1024, 8192, 1 << 20, 4096, 65536, 1 << 20, 8, 100);
        assertEquals(List.of("* BYE non-synchronising literal too large"),
                Driver.run(literalMinus, true, "a APPEND x {4097+}\r\n"));
    }

    @Test
    void bigLiteralAfterLoginIsStreamedNotBuffered() {
        ImapLimits small = new ImapLimits(1024, 8192, 1 << 20, 1 << 20, 100, 4096, 8, 100);
        String body = "x".repeat(5000);
        List<String> ev = Driver.run(small, true, "a APPEND INBOX {5000}\r\n" + body + "\r\nb NOOP\r\n");
        assertEquals(3, ev.size(), ev.toString());
        assertEquals("+", ev.get(0));
        assertTrue(ev.get(1).startsWith("a APPEND INBOX <stream 5000:"), ev.get(1));
        assertEquals("b NOOP", ev.get(2));
    }

    @Test
    void manyBufferedLiteralsHitTheCommandMemoryBound() {
        // James CVE-2021-40110: many literals in one command
        ImapLimits small = new ImapLimits(1024, 8192, 1 << 20, 1 << 20, 1000, 2048, 8, 100);
        StringBuilder in = new StringBuilder("a LOGIN");
        for (int i = 0; i < 5; i++) {
            in.append(" {900+}\r\n").append("y".repeat(900));
        }
        in.append("\r\nb NOOP\r\n");
        assertEquals(List.of("a BAD command too large", "b NOOP"), Driver.run(small, true, in.toString()));
    }

    @Test
    void controlCharactersAreRefusedNeverTruncated() {
        assertEquals(List.of("a BAD NUL in command", "b NOOP"), pre("a LOGIN \"jo\u0000e\" x\r\nb NOOP\r\n"));
        assertEquals(List.of("a BAD NUL in command", "b NOOP"), pre("a LOGIN jo\u0000e x\r\nb NOOP\r\n"));
        assertEquals(List.of("a BAD control character in command"), pre("a LOGIN jo\u0001e x\r\n"));
        assertEquals(List.of("a BAD 8-bit character outside a string"), pre("a SELECT Entwürfe\r\n"));
        assertEquals(List.of("a BAD invalid UTF-8 or control character in quoted string"),
                Driver.run(L, false, new byte[] {'a', ' ', 'X', ' ', '"', (byte) 0xC3, '"', '\r', '\n'}, new int[0]));
        assertEquals(List.of("a BAD invalid UTF-8 or control character in quoted string"), pre("a X \"\u0085\"\r\n"));
        // a literal used as a string must be clean too
        ImapToken lit = new ImapToken.Literal("a\rb".getBytes(StandardCharsets.US_ASCII), false);
        assertEquals(null, lit.stringValue());
    }

    @Test
    void bareLineEndingsAreFatal() {
        assertEquals(List.of("* BYE bare LF in command"), pre("a NOOP\nb NOOP\r\n"));
        assertEquals(List.of("* BYE bare CR in command"), pre("a NOOP\rb NOOP\r\n"));
    }

    @Test
    void longLineIsRefusedWithBoundedMemory() {
        ImapLimits small = new ImapLimits(64, 8192, 1 << 20, 1 << 20, 1000, 4096, 8, 100);
        String line = "a LOGIN " + "x".repeat(100_000);
        assertEquals(List.of("a BAD command line too long", "b NOOP"), Driver.run(small, false, line + "\r\nb NOOP\r\n"));
    }

    @Test
    void nestingAndTokenBounds() {
        assertEquals(List.of("a BAD parentheses nested too deep"), post("a X " + "(".repeat(40) + ")".repeat(40) + "\r\n"));
        assertEquals(List.of("a X ((((x))))"), post("a X ((((x))))\r\n"));
        assertEquals(List.of("a BAD too many arguments"), post("a X" + " y".repeat(20_000) + "\r\n"));
    }

    @Test
    void malformedCommandsAreBadWithTheirTag() {
        assertEquals(List.of("* BAD empty command line"), pre("\r\n"));
        assertEquals(List.of("a BAD missing command"), pre("a\r\n"));
        assertEquals(List.of("* BAD invalid tag"), pre("* NOOP\r\n"));
        assertEquals(List.of("a BAD unbalanced parentheses"), pre("a X (b\r\n"));
        assertEquals(List.of("a BAD unbalanced parentheses"), pre("a X b)\r\n"));
        assertEquals(List.of("a BAD extra space"), pre("a  NOOP\r\n"));
        assertEquals(List.of("a BAD trailing space"), pre("a NOOP \r\n"));
        assertEquals(List.of("a BAD missing space between arguments"), pre("a X \"b\"c\r\n"));
        assertEquals(List.of("a BAD UID needs a command"), pre("a UID\r\n"));
        assertEquals(List.of("a BAD a literal must end the line"), pre("a X {3}abc\r\n"));
        assertEquals(List.of("a BAD invalid escape in quoted string"), pre("a X \"\\n\"\r\n"));
        assertEquals(List.of("a BAD unbalanced [ in argument", "b NOOP"), pre("a FETCH 1 BODY[\r\nb NOOP\r\n"));
    }

    @Test
    void badLineEndingInNonSyncLiteralSkipsItsOctets() {
        // the client sends the literal anyway: it must not run as a command
        assertEquals(List.of("a BAD control character in command", "b NOOP"),
                post("a X \"\u0001\" {10+}\r\nc LOGOUT\r\n\r\nb NOOP\r\n"));
    }

    @Test
    void startedTellsWhetherACommandIsCut() {
        ImapRequestParser p = new ImapRequestParser(L);
        byte[] in = "a NOOP\r\nb NO".getBytes(StandardCharsets.US_ASCII);
        int n = p.feed(in, 0, in.length);
        assertEquals(8, n);
        assertEquals(ImapRequestParser.Status.COMPLETE, p.status());
        ImapRequest r = p.take();
        assertEquals("NOOP", r.command());
        assertFalse(p.started());
        p.feed(in, n, in.length - n);
        assertTrue(p.started());
        assertInstanceOf(ImapRequestParser.Status.class, p.status());
    }
}
