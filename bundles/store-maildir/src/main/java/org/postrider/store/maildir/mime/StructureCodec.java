package org.postrider.store.maildir.mime;

import java.io.ByteArrayOutputStream;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.BodyPart.Disposition;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.Envelope.Address;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;

/**
 * A {@link MessageStructure} as compact octets, for the structure cache file, and back,
 * exactly. Layout: "PRMS", a format version octet, the payload length (4 octets), the
 * payload, its CRC-32 (4 octets). In the payload numbers are unsigned LEB128 varints,
 * strings a varint (0 for null, else 2n + 1 for n octets of UTF-8, or 2n + 2 for n octets of
 * UTF-16 code units when the string holds a lone surrogate) and their octets, lists a count
 * and their items. Decoding checks every length against the octets left, so a corrupt or hostile file
 * fails with {@link StreamCorruptedException}, never with an allocation it describes.
 */
public final class StructureCodec {
    private static final byte[] MAGIC = {'P', 'R', 'M', 'S'};
    /** The format version; a file of another version is not read (the caller parses again). */
    public static final int VERSION = 1;
    private static final int FRAME = MAGIC.length + 1 + 4;
    /** Part nesting the decoder follows: beyond any structure the parser makes (2 per level). */
    private static final int MAX_NESTING = 2 * Bounds.MAX_DEPTH + 4;

    private StructureCodec() {
    }

    public static byte[] encode(MessageStructure s) {
        Out o = new Out();
        o.bool(s.truncated());
        if (s.sentDate() == null) {
            o.varint(0);
        } else {
            o.varint(1);
            o.zigzag(s.sentDate().getEpochSecond());
            o.varint(s.sentDate().getNano());
        }
        o.varint(s.headers().size());
        for (HeaderField f : s.headers()) {
            o.string(f.name());
            o.string(f.value());
        }
        o.envelope(s.envelope());
        o.part(s.body());
        byte[] payload = o.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(FRAME + payload.length + 4);
        b.put(MAGIC).put((byte) VERSION).putInt(payload.length).put(payload);
        CRC32 crc = new CRC32();
        crc.update(payload);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    public static MessageStructure decode(byte[] data) throws StreamCorruptedException {
        return decode(data, 0, data.length);
    }

    /** As {@link #decode(byte[])}, of the {@code len} octets at {@code off} (a record in a buffer read ahead). */
    public static MessageStructure decode(byte[] data, int off, int len) throws StreamCorruptedException {
        In in = payload(data, off, len, true);
        try {
            boolean truncated = in.bool();
            Instant sent = in.sentDate();
            int n = in.count();
            List<HeaderField> headers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                headers.add(new HeaderField(in.string(), in.string()));
            }
            Envelope env = in.envelope();
            BodyPart body = in.part(0);
            if (body == null) {
                throw new StreamCorruptedException("structure: no body");
            }
            if (in.pos != in.end) {
                throw new StreamCorruptedException("structure: trailing octets");
            }
            return new MessageStructure(env, body, sent, headers, truncated);
        } catch (DateTimeException | NullPointerException e) { // out-of-range instant, null where none may be
            throw new StreamCorruptedException("structure: " + e);
        }
    }

    /**
     * The payload of an encoded structure, its frame checked (magic, version, length) and,
     * with {@code crc}, its checksum: a caller that checked the octets itself (the cache checks
     * each record's) may skip it.
     */
    static In payload(byte[] data, int off, int len, boolean crc) throws StreamCorruptedException {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        if (len < FRAME + 4) {
            throw new StreamCorruptedException("structure: too short");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[off + i] != MAGIC[i]) {
                throw new StreamCorruptedException("structure: not a structure file");
            }
        }
        int version = data[off + MAGIC.length] & 0xff;
        if (version != VERSION) {
            throw new StreamCorruptedException("structure: format version " + version);
        }
        int length = int32(data, off + MAGIC.length + 1);
        if (length < 0 || length != len - FRAME - 4) {
            throw new StreamCorruptedException("structure: length " + length + " of " + len);
        }
        if (crc) {
            CRC32 c = new CRC32();
            c.update(data, off + FRAME, length);
            if ((int) c.getValue() != int32(data, off + FRAME + length)) {
                throw new StreamCorruptedException("structure: checksum");
            }
        }
        return new In(data, off + FRAME, off + FRAME + length);
    }

    /**
     * The body of an encoded structure (its parts and their offsets), its header fields and
     * envelope skipped, not decoded: what SEARCH BODY needs. The checksum is not checked
     * (see {@link #payload}).
     */
    public static BodyPart body(byte[] data, int off, int len) throws StreamCorruptedException {
        In in = payload(data, off, len, false);
        try {
            in.bool();
            in.sentDate();
            int n = in.count();
            for (int i = 0; i < 2 * n; i++) {
                in.skipString();
            }
            in.skipEnvelope();
            BodyPart body = in.part(0);
            if (body == null) {
                throw new StreamCorruptedException("structure: no body");
            }
            return body;
        } catch (NullPointerException e) { // null where none may be
            throw new StreamCorruptedException("structure: " + e);
        }
    }

    /** The dates SEARCH's SENTBEFORE, SENTON and SENTSINCE read: the Date field as written, and as parsed. */
    public record Dates(String envelopeDate, Instant sentDate) {
    }

    /**
     * The dates of an encoded structure, read without decoding its header fields' text or its
     * parts; the checksum is not checked (see {@link #payload}).
     */
    public static Dates dates(byte[] data, int off, int len) throws StreamCorruptedException {
        In in = payload(data, off, len, false);
        in.bool();
        Instant sent = in.sentDate();
        int n = in.count();
        for (int i = 0; i < 2 * n; i++) {
            in.skipString();
        }
        String date = in.bool() ? in.string() : null;
        return new Dates(date, sent);
    }

    private static final class Out extends ByteArrayOutputStream {
        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void bool(boolean b) {
            write(b ? 1 : 0);
        }

        void string(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            boolean wellFormed = true;
            for (int i = 0; i < s.length() && wellFormed; i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    wellFormed = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i));
                } else if (Character.isLowSurrogate(c)) {
                    wellFormed = false;
                }
            }
            if (wellFormed) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                varint(2L * b.length + 1);
                writeBytes(b);
                return;
            }
            varint(2L * 2 * s.length() + 2); // UTF-16 code units as they are (a charset would replace the lone one)
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i) >> 8);
                write(s.charAt(i));
            }
        }

        void strings(List<String> l) {
            varint(l.size());
            l.forEach(this::string);
        }

        void params(List<Parameter> l) {
            varint(l.size());
            for (Parameter p : l) {
                string(p.name());
                string(p.value());
            }
        }

        void addresses(List<Address> l) {
            if (l == null) {
                varint(0);
                return;
            }
            varint(l.size() + 1L);
            for (Address a : l) {
                string(a.name());
                string(a.route());
                string(a.mailbox());
                string(a.host());
            }
        }

        void envelope(Envelope e) {
            bool(e != null);
            if (e == null) {
                return;
            }
            string(e.date());
            string(e.subject());
            addresses(e.from());
            addresses(e.sender());
            addresses(e.replyTo());
            addresses(e.to());
            addresses(e.cc());
            addresses(e.bcc());
            string(e.inReplyTo());
            string(e.messageId());
        }

        void part(BodyPart p) {
            bool(p != null);
            if (p == null) {
                return;
            }
            string(p.type());
            string(p.subtype());
            params(p.parameters());
            string(p.id());
            string(p.description());
            string(p.encoding());
            varint(p.headerOffset());
            varint(p.bodyOffset());
            varint(p.endOffset());
            varint(p.lines());
            string(p.md5());
            bool(p.disposition() != null);
            if (p.disposition() != null) {
                string(p.disposition().type());
                params(p.disposition().parameters());
            }
            strings(p.language());
            string(p.location());
            varint(p.parts().size());
            for (BodyPart c : p.parts()) {
                part(c);
            }
            envelope(p.envelope());
            part(p.message());
        }
    }

    /** Reads a payload; every length is checked against the octets left. */
    static final class In {
        private final byte[] b;
        int pos;
        final int end;
        /** For the rare string that is not ASCII; made once per payload. */
        private java.nio.charset.CharsetDecoder utf8;

        In(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        private int octet() throws StreamCorruptedException {
            if (pos >= end) {
                throw new StreamCorruptedException("structure: cut short");
            }
            return b[pos++] & 0xff;
        }

        long varint() throws StreamCorruptedException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = octet();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new StreamCorruptedException("structure: varint too long");
        }

        long zigzag() throws StreamCorruptedException {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        boolean bool() throws StreamCorruptedException {
            int x = octet();
            if (x > 1) {
                throw new StreamCorruptedException("structure: boolean " + x);
            }
            return x == 1;
        }

        /** A count of items, each at least one octet: never more than the octets left. */
        int count() throws StreamCorruptedException {
            long n = varint();
            if (n < 0 || n > end - pos) { // a varint past 2^63 reads negative
                throw new StreamCorruptedException("structure: count " + n);
            }
            return (int) n;
        }

        /** The sent date: a tag, then seconds and nanoseconds when there is one. */
        Instant sentDate() throws StreamCorruptedException {
            long has = varint();
            if (has == 0) {
                return null;
            }
            if (has != 1) {
                throw new StreamCorruptedException("structure: date tag");
            }
            long sec = zigzag();
            long nano = varint();
            if (nano > 999_999_999L) {
                throw new StreamCorruptedException("structure: nanoseconds");
            }
            try {
                return Instant.ofEpochSecond(sec, nano);
            } catch (DateTimeException e) {
                throw new StreamCorruptedException("structure: " + e);
            }
        }

        /**
         * A string's tag, checked against the octets left: 0 for null, else odd for UTF-8 and
         * even for UTF-16, the octets at {@link #pos} ({@link #octets} of them) not yet consumed.
         */
        long tag() throws StreamCorruptedException {
            long tag = varint();
            if (tag != 0 && octets(tag) > end - pos) {
                throw new StreamCorruptedException("structure: string length " + octets(tag));
            }
            return tag;
        }

        /** The octets of a string with this (non-zero) tag. */
        static long octets(long tag) {
            return (tag - ((tag & 1) == 0 ? 2 : 1)) >>> 1;
        }

        void skipString() throws StreamCorruptedException {
            long tag = tag();
            if (tag != 0) {
                pos += (int) octets(tag);
            }
        }

        void skipEnvelope() throws StreamCorruptedException {
            if (!bool()) {
                return;
            }
            skipString();
            skipString();
            for (int i = 0; i < 6; i++) {
                long tag = varint();
                long n = tag - 1;
                if (tag != 0 && (n < 0 || n > end - pos)) {
                    throw new StreamCorruptedException("structure: address count " + n);
                }
                for (long a = 0; a < 4 * n; a++) {
                    skipString();
                }
            }
            skipString();
            skipString();
        }

        byte[] array() {
            return b;
        }

        String string() throws StreamCorruptedException {
            long tag = tag();
            if (tag == 0) {
                return null;
            }
            boolean utf16 = (tag & 1) == 0;
            int len = (int) octets(tag);
            pos += len;
            if (utf16) {
                if ((len & 1) != 0) {
                    throw new StreamCorruptedException("structure: odd UTF-16");
                }
                char[] c = new char[len / 2];
                for (int i = 0; i < c.length; i++) {
                    c[i] = (char) (((b[pos - len + 2 * i] & 0xff) << 8) | (b[pos - len + 2 * i + 1] & 0xff));
                }
                return new String(c);
            }
            return utf8(pos - len, len);
        }

        /** UTF-8 octets as a String, malformed ones refused; ASCII (nearly every field) without a decoder. */
        String utf8(int from, int len) throws StreamCorruptedException {
            if (ascii(b, from, len)) {
                return new String(b, from, len, StandardCharsets.ISO_8859_1);
            }
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                return utf8.decode(ByteBuffer.wrap(b, from, len)).toString();
            } catch (CharacterCodingException e) {
                throw new StreamCorruptedException("structure: bad UTF-8");
            }
        }

        private String required() throws StreamCorruptedException {
            String s = string();
            if (s == null) {
                throw new StreamCorruptedException("structure: missing string");
            }
            return s;
        }

        List<String> strings() throws StreamCorruptedException {
            int n = count();
            List<String> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(required());
            }
            return l;
        }

        List<Parameter> params() throws StreamCorruptedException {
            int n = count();
            List<Parameter> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(new Parameter(string(), string()));
            }
            return l;
        }

        List<Address> addresses() throws StreamCorruptedException {
            long tag = varint();
            if (tag == 0) {
                return null;
            }
            long n = tag - 1;
            if (n < 0 || n > end - pos) {
                throw new StreamCorruptedException("structure: address count " + n);
            }
            List<Address> l = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                l.add(new Address(string(), string(), string(), string()));
            }
            return l;
        }

        Envelope envelope() throws StreamCorruptedException {
            if (!bool()) {
                return null;
            }
            return new Envelope(string(), string(), addresses(), addresses(), addresses(), addresses(), addresses(),
                    addresses(), string(), string());
        }

        BodyPart part(int nesting) throws StreamCorruptedException {
            if (!bool()) {
                return null;
            }
            if (nesting > MAX_NESTING) {
                throw new StreamCorruptedException("structure: nested too deep");
            }
            String type = required();
            String subtype = required();
            List<Parameter> params = params();
            String id = string();
            String description = string();
            String encoding = required();
            long headerOffset = varint();
            long bodyOffset = varint();
            long endOffset = varint();
            long lines = varint();
            String md5 = string();
            Disposition disposition = bool() ? new Disposition(required(), params()) : null;
            List<String> language = strings();
            String location = string();
            int n = count();
            List<BodyPart> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                BodyPart c = part(nesting + 1);
                if (c == null) {
                    throw new StreamCorruptedException("structure: null part");
                }
                parts.add(c);
            }
            Envelope env = envelope();
            BodyPart message = part(nesting + 1);
            return new BodyPart(type, subtype, params, id, description, encoding, headerOffset, bodyOffset, endOffset,
                    lines, md5, disposition, language, location, parts, env, message);
        }
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** Whether the octets are all US-ASCII. */
    static boolean ascii(byte[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
