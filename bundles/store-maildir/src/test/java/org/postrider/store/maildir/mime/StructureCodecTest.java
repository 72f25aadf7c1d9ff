package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.BodyPart.Disposition;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.Envelope.Address;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;

class StructureCodecTest {
    @Test
    void corpusRoundTrips() throws IOException {
        for (String name : Corpus.NAMES) {
            MessageStructure s = StructureParser.parse(new ByteArrayInputStream(Corpus.load(name)));
            byte[] enc = StructureCodec.encode(s);
            assertEquals(s, StructureCodec.decode(enc), name);
            assertArrayEquals(enc, StructureCodec.encode(StructureCodec.decode(enc)), name);
        }
    }

    @Test
    void deepNestingRoundTrips() throws IOException {
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(Nested.of(5000).bytes));
        assertEquals(s, StructureCodec.decode(StructureCodec.encode(s)));
        Bounds deepest = new Bounds(Bounds.MAX_DEPTH, 1000, 65536, 1 << 20);
        MessageStructure d = StructureParser.parse(new ByteArrayInputStream(Nested.of(5000).bytes), deepest);
        assertEquals(d, StructureCodec.decode(StructureCodec.encode(d)), "the decoder follows the deepest bound");
    }

    @Test
    void randomStructuresRoundTrip() throws IOException {
        Random r = new Random(42);
        for (int i = 0; i < 500; i++) {
            MessageStructure s = randomStructure(r);
            assertEquals(s, StructureCodec.decode(StructureCodec.encode(s)));
        }
    }

    @Test
    void partsReadWithoutTheWholeDecodeAgreeWithIt() throws IOException {
        List<MessageStructure> all = new ArrayList<>();
        for (String name : Corpus.NAMES) {
            all.add(StructureParser.parse(new ByteArrayInputStream(Corpus.load(name))));
        }
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            all.add(randomStructure(r));
        }
        for (MessageStructure s : all) {
            byte[] enc = StructureCodec.encode(s);
            byte[] inside = concat(concat(new byte[] {1, 2, 3}, enc), new byte[] {4, 5}); // a record in a buffer
            assertEquals(s, StructureCodec.decode(inside, 3, enc.length));
            StructureCodec.Dates d = StructureCodec.dates(inside, 3, enc.length);
            assertEquals(s.envelope() == null ? null : s.envelope().date(), d.envelopeDate());
            assertEquals(s.sentDate(), d.sentDate());
            assertEquals(s.body(), StructureCodec.body(inside, 3, enc.length));
        }
    }

    @Test
    void everyCutOrFlippedOctetIsRefused() throws IOException {
        byte[] enc = StructureCodec.encode(StructureParser.parse(new ByteArrayInputStream(Corpus.load("forward.eml"))));
        for (int n = 0; n < enc.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(enc, n);
            assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(cut), "cut at " + n);
        }
        for (int i = 0; i < enc.length; i++) {
            byte[] flipped = enc.clone();
            flipped[i] ^= 0x10;
            assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(flipped), "flipped " + i);
        }
    }

    @Test
    void hugeCountsBehindAValidChecksumAreRefusedWithoutAllocating() {
        // a well-framed payload claiming 2^62 headers: the count is checked against the octets left
        byte[] payload = {0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, 0x3f};
        assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(frame(payload)));
        // a string claiming 2^40 octets
        byte[] str = {0, 0, 1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40};
        assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(frame(str)));
        // counts and string lengths past 2^63, which read negative as a long (found by fuzzing: seed9)
        byte[] top = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, 0x01};
        assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(frame(concat(new byte[] {0, 0}, top))));
        assertThrows(StreamCorruptedException.class,
                () -> StructureCodec.decode(frame(concat(new byte[] {0, 0, 1}, top))), "a header name's length");
        assertThrows(StreamCorruptedException.class,
                () -> StructureCodec.decode(frame(concat(new byte[] {0, 0, 0, 1, 0, 0}, top))), "an address count");
        // parts nested past any bound the parser allows
        List<Byte> deep = new ArrayList<>(List.of((byte) 0, (byte) 0, (byte) 0, (byte) 0));
        for (int i = 0; i < 1000; i++) {
            deep.addAll(List.of((byte) 1, (byte) 3, (byte) 't', (byte) 3, (byte) 's', (byte) 0, (byte) 0, (byte) 0,
                    (byte) 3, (byte) 'E', (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0,
                    (byte) 0, (byte) 1));
        }
        byte[] d = new byte[deep.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = deep.get(i);
        }
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(frame(d)));
        assertTrue(e.getMessage().contains("deep"), e.getMessage());
    }

    @Test
    void otherVersionsAndGarbageAreRefused() {
        assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(new byte[0]));
        assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode("hello, world, not a structure".getBytes()));
        byte[] v2 = frame(new byte[] {0});
        v2[4] = 2;
        assertThrows(StreamCorruptedException.class, () -> StructureCodec.decode(v2));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The payload framed as the codec frames it: magic, version, length, payload, CRC-32. */
    static byte[] frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length + 4);
        b.put(new byte[] {'P', 'R', 'M', 'S', 1}).putInt(payload.length).put(payload);
        CRC32 crc = new CRC32();
        crc.update(payload);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static MessageStructure randomStructure(Random r) {
        List<HeaderField> h = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            h.add(new HeaderField(str(r), str(r)));
        }
        Instant sent = r.nextBoolean() ? null : Instant.ofEpochSecond(r.nextLong(-10_000_000_000L, 10_000_000_000L),
                r.nextInt(1_000_000_000));
        return new MessageStructure(envelope(r), part(r, 0), sent, h, r.nextBoolean());
    }

    static Envelope envelope(Random r) {
        if (r.nextInt(4) == 0) {
            return null;
        }
        return new Envelope(opt(r), opt(r), addrs(r), addrs(r), addrs(r), addrs(r), addrs(r), addrs(r), opt(r), opt(r));
    }

    static List<Address> addrs(Random r) {
        if (r.nextBoolean()) {
            return null;
        }
        List<Address> l = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            l.add(new Address(opt(r), opt(r), opt(r), opt(r)));
        }
        return l;
    }

    static BodyPart part(Random r, int depth) {
        List<BodyPart> parts = new ArrayList<>();
        if (depth < 4) {
            for (int i = r.nextInt(3); i > 0; i--) {
                parts.add(part(r, depth + 1));
            }
        }
        boolean msg = depth < 4 && r.nextInt(5) == 0;
        List<String> lang = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            lang.add(str(r));
        }
        return new BodyPart(str(r), str(r), params(r), opt(r), opt(r), str(r), r.nextLong(), r.nextLong(1L << 40),
                Long.MAX_VALUE - r.nextInt(3), r.nextLong(0, Long.MAX_VALUE), opt(r),
                r.nextBoolean() ? null : new Disposition(str(r), params(r)), lang, opt(r), parts,
                msg ? envelope(r) : null, msg ? part(r, depth + 1) : null);
    }

    static List<Parameter> params(Random r) {
        List<Parameter> l = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            l.add(new Parameter(str(r), str(r)));
        }
        return l;
    }

    static String opt(Random r) {
        return r.nextInt(3) == 0 ? null : str(r);
    }

    /** Random text, sometimes with non-Latin letters, emoji or a lone surrogate. */
    static String str(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            switch (r.nextInt(6)) {
                case 0 -> b.append('é');
                case 1 -> b.appendCodePoint(0x1F600 + r.nextInt(50));
                case 2 -> b.append((char) (0xD800 + r.nextInt(0x800))); // a lone surrogate
                case 3 -> b.append('\u4e2d');
                default -> b.append((char) (32 + r.nextInt(95)));
            }
        }
        return b.toString();
    }
}
