package org.postrider.imap.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One argument of a client command, as {@link ImapRequestParser} read it. Sequence sets,
 * flags, section specs ({@code BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.1024>}) and NIL are
 * atoms: the command that expects one types it ({@link SequenceSet}, {@link FetchParser}).
 */
public sealed interface ImapToken {

    /**
     * A bare word: ASCII printable, no space, parentheses, brace or double quote, except
     * inside square brackets, which may hold spaces, parentheses and quoted strings.
     */
    record Atom(String text) implements ImapToken {
        public boolean is(String word) {
            return text.equalsIgnoreCase(word);
        }
    }

    /** A quoted string, unescaped; valid UTF-8, never a C0 or C1 control character. */
    record Quoted(String text) implements ImapToken {
    }

    /** A literal held in memory ({@code {n}}, {@code {n+}}, or binary {@code ~{n}}). */
    record Literal(byte[] data, boolean binary) implements ImapToken {
        public Literal {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        public int size() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Literal l && l.binary == binary && java.util.Arrays.equals(l.data, data);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(data) * 31 + (binary ? 1 : 0);
        }

        @Override
        public String toString() {
            return (binary ? "~{" : "{") + data.length + "}" + new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * A literal above the in-memory threshold: its octets went to the caller (see
     * {@link ImapRequestParser.Status#STREAM_LITERAL}); {@code handle} is what the caller
     * gave back for them (a spool file, say).
     */
    record StreamedLiteral(long size, boolean binary, Object handle) implements ImapToken {
    }

    /** A parenthesised list. */
    record ListOf(List<ImapToken> items) implements ImapToken {
        public ListOf {
            items = List.copyOf(items);
        }
    }

    /** Whether this is the atom NIL. */
    default boolean isNil() {
        return this instanceof Atom a && a.is("NIL");
    }

    /**
     * The token as an astring / string argument (RFC 3501 astring, RFC 9051 with UTF-8):
     * an atom, a quoted string, or an in-memory literal that is valid UTF-8 and holds no
     * control character; null otherwise (never a truncated or repaired value).
     */
    default String stringValue() {
        if (this instanceof Atom a) {
            // an atom may hold a bracketed section with spaces; as a string it may not
            String t = a.text();
            return t.indexOf(' ') < 0 && t.indexOf('(') < 0 && t.indexOf(')') < 0 && t.indexOf('"') < 0 ? t : null;
        }
        if (this instanceof Quoted q) {
            return q.text();
        }
        if (this instanceof Literal l && !l.binary()) {
            return cleanUtf8(l.data);
        }
        return null;
    }

    /** Strict UTF-8 with no C0 or C1 control or DEL; null when the bytes are not that. */
    static String cleanUtf8(byte[] data) {
        for (byte b : data) {
            if ((b & 0xff) < 0x20 || b == 0x7f) {
                return null;
            }
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80 && s.charAt(i) <= 0x9f) {
                return null;
            }
        }
        return s;
    }
}
