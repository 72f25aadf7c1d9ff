package org.postrider.store.maildir.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;
import org.postrider.kit.mime.Text;

/**
 * IMAP SEARCH on a message's text (RFC 3501 6.4.4): BODY and TEXT stream the text parts
 * through their Content-Transfer-Encoding (mime4j's lenient decoders) and charset, matching
 * case-insensitively (simple Unicode case folding) with a KMP matcher, so memory is the
 * pattern and a buffer whatever the message's size; HEADER, SUBJECT, FROM... match the
 * cached header fields with RFC 2047 encoded words decoded. Each part is read once, from its
 * offsets, through {@link MessageContent#open(long, long)}; in a charset where an octet below
 * 0x80 is always that ASCII character (UTF-8, ISO-8859-x, windows-125x), its ASCII text (most
 * mail) is matched as octets, and only from the first octet past ASCII on is it decoded.
 */
public final class TextSearch {
    private static final int BUFFER = 8192;

    private TextSearch() {
    }

    /**
     * SEARCH HEADER, and SUBJECT/FROM/TO/CC/BCC through it: a top-level field named
     * {@code field} (any case) whose decoded value contains {@code text}; with "" any such field.
     */
    public static boolean header(MessageStructure s, String field, String text) {
        Matcher m = new Matcher(text);
        for (HeaderField f : s.headers()) {
            if (f.name().equalsIgnoreCase(field) && (text.isEmpty() || m.find(EncodedWords.decode(f.value())))) {
                return true;
            }
        }
        return false;
    }

    /** SEARCH BODY: a text part, decoded, contains {@code text}. */
    public static boolean body(MessageContent content, MessageStructure s, String text) throws IOException {
        return body(content, s.body(), text);
    }

    /** SEARCH BODY on a message's body structure. */
    public static boolean body(MessageContent content, BodyPart body, String text) throws IOException {
        return text.isEmpty() || parts(content, body, new Matcher(text), true);
    }

    /** As {@link #body(MessageContent, BodyPart, String)}, each part decoded from its charset: the tests' reference. */
    static boolean bodyDecoded(MessageContent content, BodyPart body, String text) throws IOException {
        return text.isEmpty() || parts(content, body, new Matcher(text), false);
    }

    /** SEARCH TEXT: a top-level header field ("Name: value", decoded) or a text part contains {@code text}. */
    public static boolean text(MessageContent content, MessageStructure s, String text) throws IOException {
        if (text.isEmpty()) {
            return true;
        }
        Matcher m = new Matcher(text);
        for (HeaderField f : s.headers()) {
            if (m.find(f.name() + ": " + EncodedWords.decode(f.value()))) {
                return true;
            }
        }
        return parts(content, s.body(), m, true);
    }

    /** @param octets match a part of ASCII octets as octets (else every part is decoded from its charset) */
    private static boolean parts(MessageContent content, BodyPart p, Matcher m, boolean octets) throws IOException {
        if (p.message() != null) {
            // a forwarded message's header is text of the body it is in (raw: its encoded words stay)
            BodyPart inner = p.message();
            return find(content, inner.headerOffset(), inner.bodyOffset() - inner.headerOffset(), "7BIT",
                    StandardCharsets.UTF_8, m, octets) || parts(content, inner, m, octets);
        }
        if (!p.parts().isEmpty()) {
            for (BodyPart c : p.parts()) {
                if (parts(content, c, m, octets)) {
                    return true;
                }
            }
            return false;
        }
        return p.type().equals("text") && find(content, p.bodyOffset(), p.size(), p.encoding(), charset(p), m, octets);
    }

    private static boolean find(MessageContent content, long offset, long length, String encoding, Charset cs,
            Matcher m, boolean octets) throws IOException {
        if (length <= 0) {
            return false;
        }
        int buffer = (int) Math.min(BUFFER, length); // a short part, a short buffer
        try (InputStream raw = content.open(offset, length); InputStream in = decoded(raw, encoding)) {
            if (octets && asciiCompatible(cs)) {
                return m.find(in, new byte[buffer], cs);
            }
            return m.find(new InputStreamReader(in, decoder(cs)), 0, buffer);
        }
    }

    /**
     * Charsets in which an octet below 0x80 is always that ASCII character, alone, and a
     * character begins after it: ASCII text is its own decoding, and the rest decodes alone.
     */
    static boolean asciiCompatible(Charset cs) {
        String n = cs.name();
        return cs.equals(StandardCharsets.UTF_8) || n.startsWith("ISO-8859-") || n.startsWith("windows-125");
    }

    private static InputStream decoded(InputStream raw, String encoding) {
        return switch (encoding) {
            case "BASE64" -> new NoEmptyReads(new Base64InputStream(raw, DecodeMonitor.SILENT));
            case "QUOTED-PRINTABLE" -> new NoEmptyReads(new QuotedPrintableInputStream(raw, DecodeMonitor.SILENT));
            default -> raw;
        };
    }

    /**
     * mime4j's Base64InputStream answers 0 octets to a read that meets a pad with no whole
     * octet before it (then ends), which InputStreamReader refuses with an IOException: a
     * read here answers 0 only when asked for 0, and a decoder that keeps answering 0 has ended.
     */
    private static final class NoEmptyReads extends java.io.FilterInputStream {
        private static final int MAX_EMPTY = 16;

        NoEmptyReads(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            for (int i = 0; i < MAX_EMPTY; i++) {
                int n = in.read(b, off, len);
                if (n != 0) {
                    return n;
                }
            }
            return -1;
        }
    }

    /** The part's charset; us-ascii and unknown ones read as UTF-8, which 8-bit mail mislabelled often is. */
    private static Charset charset(BodyPart p) {
        for (BodyPart.Parameter param : p.parameters()) {
            if (param.name().equals("charset")) {
                Charset cs = Text.charset(param.value());
                if (cs != null && !cs.equals(StandardCharsets.US_ASCII)) {
                    return cs;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static java.nio.charset.CharsetDecoder decoder(Charset cs) {
        return cs.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    /** {@link #fold} of each ASCII character. */
    private static final char[] ASCII_FOLDED = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_FOLDED[c] = fold(c);
        }
    }

    /** Simple case folding: "É" and "é", "Σ", "σ" and "ς" compare equal. */
    static char fold(char c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /** Knuth-Morris-Pratt over folded characters: each character of the text is looked at once. */
    static final class Matcher {
        private final char[] p;
        private final int[] fail;

        Matcher(String pattern) {
            p = new char[pattern.length()];
            for (int i = 0; i < p.length; i++) {
                p[i] = fold(pattern.charAt(i));
            }
            fail = new int[p.length];
            for (int i = 1, k = 0; i < p.length; i++) {
                while (k > 0 && p[i] != p[k]) {
                    k = fail[k - 1];
                }
                if (p[i] == p[k]) {
                    k++;
                }
                fail[i] = k;
            }
        }

        boolean find(CharSequence s) {
            if (p.length == 0) {
                return true;
            }
            int k = 0;
            for (int i = 0; i < s.length(); i++) {
                k = step(k, fold(s.charAt(i)));
                if (k == p.length) {
                    return true;
                }
            }
            return false;
        }

        boolean find(Reader r) throws IOException {
            return find(r, 0, BUFFER);
        }

        /** Matches the characters of {@code r}, {@code k} of the pattern matched before them. */
        boolean find(Reader r, int k, int buffer) throws IOException {
            if (p.length == 0) {
                return true;
            }
            char[] buf = new char[buffer];
            for (int n; (n = r.read(buf)) > 0;) {
                for (int i = 0; i < n; i++) {
                    k = step(k, fold(buf[i]));
                    if (k == p.length) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * Matches text in an {@link #asciiCompatible} charset: its ASCII octets as they are,
         * and from the first octet past ASCII on, the rest decoded from the charset (which
         * begins a character there: the text decodes as it would have whole).
         */
        boolean find(InputStream in, byte[] buf, Charset cs) throws IOException {
            if (p.length == 0) {
                return true;
            }
            int k = 0;
            for (int n; (n = in.read(buf, 0, buf.length)) > 0;) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b < 0) {
                        InputStream rest = new java.io.SequenceInputStream(
                                new java.io.ByteArrayInputStream(buf, i, n - i), in);
                        return find(new InputStreamReader(rest, decoder(cs)), k, buf.length);
                    }
                    k = step(k, ASCII_FOLDED[b]);
                    if (k == p.length) {
                        return true;
                    }
                }
            }
            return false;
        }

        private int step(int k, char c) {
            while (k > 0 && c != p[k]) {
                k = fail[k - 1];
            }
            return c == p[k] ? k + 1 : k;
        }
    }
}
