package org.postrider.store.maildir.mime;

import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;

/**
 * SEARCH HEADER (and SUBJECT, FROM, TO, CC, BCC through it) on a cached structure's octets
 * ({@link StructureCodec}), with the answers of {@link TextSearch#header}: the header fields
 * are compared where they lie, so a search over a folder makes no String per field and
 * decodes no envelope or part. A name is compared as ASCII; a value of ASCII octets without
 * an encoded word is its own decoded text and is matched as octets, case-folded through a
 * table; any other value (encoded words, 8-bit text) is decoded and matched as TextSearch does.
 * One instance serves one search, message after message (not thread-safe).
 */
public final class HeaderSearch {
    /** ASCII octets folded as {@link TextSearch#fold} folds them: to lower case. */
    private static final byte[] FOLD = new byte[128];

    static {
        for (int i = 0; i < 128; i++) {
            FOLD[i] = (byte) TextSearch.fold((char) i);
        }
    }

    private final String field;
    /** The field name in lower case when it is ASCII, else null (compared as Strings). */
    private final byte[] asciiField;
    private final String text;
    private final TextSearch.Matcher matcher;
    /** The folded text, when each of its characters is ASCII; null when none is (no ASCII value can hold it). */
    private final byte[] folded;
    private final int[] fail;

    public HeaderSearch(String field, String text) {
        this.field = field;
        this.text = text;
        this.asciiField = field.chars().allMatch(c -> c < 0x80)
                ? field.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII) : null;
        this.matcher = new TextSearch.Matcher(text);
        byte[] f = new byte[text.length()];
        boolean ascii = true;
        for (int i = 0; i < f.length && ascii; i++) {
            char c = TextSearch.fold(text.charAt(i));
            ascii = c < 0x80;
            f[i] = (byte) c;
        }
        this.folded = ascii ? f : null;
        this.fail = ascii ? failure(f) : null;
    }

    /**
     * Whether a top-level header field of the encoded structure in {@code data[off, off + len)}
     * is named like the key's (any case) and holds its text (empty: any such field). The
     * checksum is not checked: the caller checked the record it read.
     */
    public boolean matches(byte[] data, int off, int len) throws StreamCorruptedException {
        StructureCodec.In in = StructureCodec.payload(data, off, len, false);
        in.bool();
        in.sentDate();
        int n = in.count();
        for (int i = 0; i < n; i++) {
            boolean named = name(in);
            if (!named) {
                in.skipString();
            } else if (value(in)) {
                return true;
            }
        }
        return false;
    }

    /** Reads a field's name; whether it is the key's. */
    private boolean name(StructureCodec.In in) throws StreamCorruptedException {
        long tag = present(in);
        int len = (int) StructureCodec.In.octets(tag);
        int at = in.pos;
        in.pos += len;
        byte[] b = in.array();
        if (asciiField != null && (tag & 1) == 1 && StructureCodec.ascii(b, at, len)) {
            if (len != asciiField.length) {
                return false;
            }
            for (int i = 0; i < len; i++) {
                if (FOLD[b[at + i]] != asciiField[i]) {
                    return false;
                }
            }
            return true;
        }
        return decoded(in, tag, at, len).equalsIgnoreCase(field); // a rare name, or a key that is not ASCII
    }

    /** Reads a field's value; whether it holds the text. */
    private boolean value(StructureCodec.In in) throws StreamCorruptedException {
        long tag = present(in);
        int len = (int) StructureCodec.In.octets(tag);
        int at = in.pos;
        in.pos += len;
        if (text.isEmpty()) {
            return true;
        }
        byte[] b = in.array();
        if ((tag & 1) == 1 && StructureCodec.ascii(b, at, len) && !encodedWord(b, at, len)) {
            return folded != null && find(b, at, len);
        }
        return matcher.find(EncodedWords.decode(decoded(in, tag, at, len)));
    }

    /** A string's tag; a field's name and value are never null (the encoder writes none: the record is damaged). */
    private static long present(StructureCodec.In in) throws StreamCorruptedException {
        long tag = in.tag();
        if (tag == 0) {
            throw new StreamCorruptedException("structure: a header field without name or value");
        }
        return tag;
    }

    /** The string of a tag whose octets lie at {@code at}; {@code in} is left after them. */
    private static String decoded(StructureCodec.In in, long tag, int at, int len) throws StreamCorruptedException {
        in.pos = at + len;
        if ((tag & 1) == 1) {
            return in.utf8(at, len);
        }
        if ((len & 1) != 0) {
            throw new StreamCorruptedException("structure: odd UTF-16");
        }
        byte[] b = in.array();
        char[] c = new char[len / 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) (((b[at + 2 * i] & 0xff) << 8) | (b[at + 2 * i + 1] & 0xff));
        }
        return new String(c);
    }

    private static boolean encodedWord(byte[] b, int at, int len) {
        for (int i = at; i < at + len - 1; i++) {
            if (b[i] == '=' && b[i + 1] == '?') {
                return true;
            }
        }
        return false;
    }

    /** Knuth-Morris-Pratt over ASCII octets folded through the table. */
    private boolean find(byte[] b, int at, int len) {
        byte[] p = folded;
        if (p.length == 0) {
            return true;
        }
        int k = 0;
        for (int i = at; i < at + len; i++) {
            byte c = FOLD[b[i]];
            while (k > 0 && c != p[k]) {
                k = fail[k - 1];
            }
            if (c == p[k] && ++k == p.length) {
                return true;
            }
        }
        return false;
    }

    private static int[] failure(byte[] p) {
        int[] fail = new int[p.length];
        for (int i = 1, k = 0; i < p.length; i++) {
            while (k > 0 && p[i] != p[k]) {
                k = fail[k - 1];
            }
            if (p[i] == p[k]) {
                k++;
            }
            fail[i] = k;
        }
        return fail;
    }
}
