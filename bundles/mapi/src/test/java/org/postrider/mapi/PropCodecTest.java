package org.postrider.mapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTag;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropType;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;
import org.postrider.mapi.PropFormatException.Code;

class PropCodecTest {
    private static final PropLimits L = PropLimits.DEFAULTS;

    /** Any property set: every type, random ids, inline and streamed values. */
    static PropertySet arbitrary(Random r, int max) {
        List<Property> props = new ArrayList<>();
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (int i = 0, n = r.nextInt(max + 1); i < n; i++) {
            int id = 1 + r.nextInt(0xFFFF);
            if (!ids.add(id)) {
                continue;
            }
            PropType t = PropType.values()[r.nextInt(PropType.values().length)];
            props.add(new Property(new PropTag(id, t), value(r, t)));
        }
        return PropertySet.of(props);
    }

    static PropValue value(Random r, PropType t) {
        return switch (t) {
            case LONG -> new PropValue.Int32(r.nextInt());
            case I8 -> new PropValue.Int64(r.nextLong());
            case BOOLEAN -> new PropValue.Bool(r.nextBoolean());
            case SYSTIME -> new PropValue.Time(PropValue.Time.EPOCH.plusNanos(Math.abs(r.nextLong() % Long.MAX_VALUE) / 1000 * 100));
            case UNICODE -> r.nextInt(4) == 0 ? new PropValue.Stream(t, Blob.of(new byte[r.nextInt(100)]))
                    : new PropValue.Text(Messages.words(r, 5));
            case BINARY -> {
                byte[] b = new byte[r.nextInt(64)];
                r.nextBytes(b);
                yield r.nextInt(4) == 0 ? new PropValue.Stream(t, Blob.of(b)) : new PropValue.Bytes(b);
            }
            default -> {
                List<PropValue> v = new ArrayList<>();
                for (int i = 0, n = r.nextInt(5); i < n; i++) {
                    PropValue e = value(r, t.single());
                    v.add(e instanceof PropValue.Stream s ? (s.type() == PropType.UNICODE ? new PropValue.Text("s")
                            : new PropValue.Bytes(new byte[] {1})) : e);
                }
                yield new PropValue.Multi(t, v);
            }
        };
    }

    static PropMessage arbitraryMessage(Random r) {
        List<RecipientRow> rows = new ArrayList<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            PropertySet s = arbitrary(r, 4).with(Property.of(PropTags.RECIPIENT_TYPE, 1 + r.nextInt(3)))
                    .with(Property.of(PropTags.EMAIL_ADDRESS, "u" + i + "@example.org"));
            rows.add(new RecipientRow(s));
        }
        List<AttachmentRow> atts = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            atts.add(new AttachmentRow(arbitrary(r, 4).with(new Property(PropTags.ATTACH_DATA_BIN,
                    new PropValue.Stream(PropType.BINARY, Blob.of(new byte[r.nextInt(1000)]))))));
        }
        return new PropMessage(arbitrary(r, 30), rows, atts);
    }

    @Test
    void generatedMessagesRoundTripWholeAndInChunks() throws PropFormatException {
        Random r = new Random(13);
        for (int i = 0; i < 1000; i++) {
            PropMessage m = arbitraryMessage(r);
            PropEncoder.Encoded e = PropEncoder.encode(m, L);
            Decoded d = PropDecoder.decode(e.octets(), L);
            assertEquals(e.streams().size(), d.streams().size());
            for (int k = 0; k < d.streams().size(); k++) {
                assertEquals(k, d.streams().get(k).index());
                assertEquals(e.streams().get(k).size(), d.streams().get(k).size());
            }
            assertEquals(m, d.bind(e.streams()), "message " + i);
            assertArrayEquals(e.octets(), PropEncoder.encode(d.message(), L).octets(), "one message, one encoding");
            PropDecoder chunked = new PropDecoder(L);
            int pos = 0;
            while (chunked.status() == PropDecoder.Status.NEED_MORE) {
                int n = Math.min(1 + r.nextInt(7), e.octets().length - pos);
                assertEquals(n, chunked.feed(e.octets(), pos, n));
                pos += n;
            }
            assertEquals(e.octets().length, pos);
            assertEquals(m, chunked.take().bind(e.streams()));
        }
    }

    @Test
    void twoMessagesInOneChunkAreReadOneAfterTheOther() throws PropFormatException {
        byte[] a = PropEncoder.encode(Messages.mapped(new Random(1)), L).octets();
        byte[] b = PropEncoder.encode(Messages.mapped(new Random(2)), L).octets();
        byte[] both = ByteBuffer.allocate(a.length + b.length + 3).put(a).put(b).put(new byte[] {1, 2, 3}).array();
        PropDecoder d = new PropDecoder(L);
        assertEquals(a.length, d.feed(both, 0, both.length));
        assertArrayEquals(a, PropEncoder.encode(d.take().message(), L).octets());
        assertEquals(b.length, d.feed(both, a.length, both.length - a.length));
        assertArrayEquals(b, PropEncoder.encode(d.take().message(), L).octets());
        assertEquals(PropDecoder.Status.NEED_MORE, d.status());
    }

    @Test
    void aStreamReferenceIsBoundToTheReceivedBlob() throws Exception {
        PropMessage m = new PropMessage(PropertySet.of(new Property(PropTags.BODY,
                new PropValue.Stream(PropType.UNICODE, Blob.of("hello".getBytes())))), List.of(), List.of());
        Decoded d = PropDecoder.decode(PropEncoder.encode(m, L).octets(), L);
        StreamRef ref = d.streams().get(0);
        assertEquals(5, ref.size());
        assertThrows(java.io.IOException.class, ref::open);
        assertThrows(IllegalArgumentException.class, () -> d.bind(List.of(Blob.of(new byte[4]))));
        assertThrows(IllegalArgumentException.class, () -> d.bind(List.of()));
        PropMessage bound = d.bind(List.of(Blob.of("world".getBytes())));
        PropValue.Stream s = (PropValue.Stream) bound.properties().get(PropTags.BODY).orElseThrow();
        assertArrayEquals("world".getBytes(), Messages.read(s.blob()));
    }

    // --- errors: one input per code ---

    private static byte[] message(byte[] body) {
        return ByteBuffer.allocate(9 + body.length).put(new byte[] {'P', 'R', 'P', 'S', 1}).putInt(body.length)
                .put(body).array();
    }

    /** A body of one message property set, no rows, built from raw octets. */
    private static byte[] props(int count, byte[] properties) {
        return ByteBuffer.allocate(12 + properties.length).putInt(count).put(properties).putInt(0).putInt(0).array();
    }

    private static byte[] tag(int id, int type, byte... value) {
        return ByteBuffer.allocate(4 + value.length).putInt(id << 16 | type).put(value).array();
    }

    private static Code error(byte[] input) {
        return error(input, L);
    }

    private static Code error(byte[] input, PropLimits limits) {
        PropFormatException e = assertThrows(PropFormatException.class, () -> PropDecoder.decode(input, limits));
        // fed one octet at a time, the same error
        PropDecoder d = new PropDecoder(limits);
        for (int i = 0; i < input.length && d.status() == PropDecoder.Status.NEED_MORE; i++) {
            d.feed(input, i, 1);
        }
        if (e.code() != Code.INCOMPLETE && e.code() != Code.TRAILING || d.status() == PropDecoder.Status.ERROR) {
            assertEquals(e.code(), d.error().code(), "chunked");
        }
        return e.code();
    }

    @Test
    void everyMalformedInputHasItsError() {
        assertEquals(Code.BAD_MAGIC, error("PRPX\1\0\0\0\14".getBytes()));
        assertEquals(Code.BAD_VERSION, error(new byte[] {'P', 'R', 'P', 'S', 2, 0, 0, 0, 12}));
        assertEquals(Code.TOO_LARGE, error(new byte[] {'P', 'R', 'P', 'S', 1, 0, 0, 0, 11}));
        assertEquals(Code.TOO_LARGE, error(new byte[] {'P', 'R', 'P', 'S', 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        assertEquals(Code.INCOMPLETE, error(new byte[] {'P', 'R', 'P', 'S', 1, 0, 0, 0, 12, 0}));
        assertEquals(Code.TRAILING, error(ByteBuffer.allocate(22).put(message(new byte[12])).put((byte) 0).array()));
        assertEquals(Code.TRAILING, error(message(new byte[13])));
        assertEquals(Code.TRUNCATED, error(message(props(1, tag(0x37, 0x001F, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 9)))));
        assertEquals(Code.UNKNOWN_TYPE, error(message(props(1, tag(0x37, 0x001E, new byte[5])))));
        assertEquals(Code.BAD_ID, error(message(props(1, tag(0, 0x0003, new byte[4])))));
        byte[] two = ByteBuffer.allocate(16).put(tag(5, 3, new byte[4])).put(tag(5, 3, new byte[4])).array();
        assertEquals(Code.BAD_ORDER, error(message(props(2, two))));
        byte[] down = ByteBuffer.allocate(16).put(tag(6, 3, new byte[4])).put(tag(5, 3, new byte[4])).array();
        assertEquals(Code.BAD_ORDER, error(message(props(2, down))));
        assertEquals(Code.BAD_BOOLEAN, error(message(props(1, tag(0x0B, 0x000B, (byte) 2)))));
        assertEquals(Code.BAD_TIME, error(message(props(1, tag(0x39, 0x0040, (byte) 0x80, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0)))));
        assertEquals(Code.BAD_FORM, error(message(props(1, tag(0x37, 0x001F, (byte) 2, (byte) 0, (byte) 0, (byte) 0, (byte) 0)))));
        assertEquals(Code.BAD_UTF8, error(message(props(1, tag(0x37, 0x001F, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 2, (byte) 0xC0, (byte) 0x80)))));
        assertEquals(Code.BAD_UTF8, error(message(props(1, tag(0x37, 0x001F, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 3, (byte) 0xED, (byte) 0xA0, (byte) 0x80)))));
        byte[] stream1 = ByteBuffer.allocate(18).put(tag(0x1000, 0x001F, (byte) 1)).putInt(1).putLong(5).array();
        assertEquals(Code.BAD_STREAM, error(message(props(1, stream1))));
        byte[] negative = ByteBuffer.allocate(18).put(tag(0x1000, 0x001F, (byte) 1)).putInt(0).putLong(-1).array();
        assertEquals(Code.BAD_STREAM, error(message(props(1, negative))));
        // a recipient row without an address
        byte[] row = ByteBuffer.allocate(4 + 8 + 4 + 4 + 4).putInt(0).putInt(1).putInt(1).put(tag(0x0C15, 3, new byte[] {0, 0, 0, 1})).putInt(0).array();
        assertEquals(Code.BAD_ROW, error(message(row)));
        byte[] attachment = ByteBuffer.allocate(16).putInt(0).putInt(0).putInt(1).putInt(0).array();
        assertEquals(Code.BAD_ROW, error(message(attachment)));
        // counts that promise more than the octets hold are refused before anything is allocated
        assertEquals(Code.TRUNCATED, error(message(props(1000, new byte[0]))));
        assertEquals(Code.TRUNCATED, error(message(ByteBuffer.allocate(12).putInt(0).putInt(999).putInt(0).array())));
        byte[] mv = ByteBuffer.allocate(8).put(tag(0x10, 0x101F)).putInt(1000).array();
        assertEquals(Code.TRUNCATED, error(message(props(1, mv))));
    }

    // --- limits: at the limit accepted, one over refused, by the decoder and the encoder ---

    private static PropLimits limits(int props, int value, int values, int rows, int octets, int streams, long streamOctets) {
        return new PropLimits(props, value, values, rows, octets, streams, streamOctets);
    }

    private static void atAndOver(PropMessage at, PropMessage over, PropLimits limits, Code code) throws PropFormatException {
        PropEncoder.Encoded ok = PropEncoder.encode(at, limits);
        assertEquals(at, PropDecoder.decode(ok.octets(), limits).bind(ok.streams()));
        assertEquals(code, assertThrows(PropFormatException.class, () -> PropEncoder.encode(over, limits)).code());
        byte[] bad = PropEncoder.encode(over, PropLimits.DEFAULTS).octets();
        assertEquals(code, error(bad, limits));
    }

    private static PropMessage withProps(int n) {
        List<Property> p = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            p.add(Property.of(new PropTag(i, PropType.LONG), i));
        }
        return new PropMessage(PropertySet.of(p), List.of(), List.of());
    }

    private static PropMessage withValue(Property p) {
        return new PropMessage(PropertySet.of(p), List.of(), List.of());
    }

    private static PropMessage withRows(int n) {
        List<RecipientRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RecipientRow.of(PropTags.MAPI_TO, "a" + i + "@example.org", null));
        }
        return new PropMessage(PropertySet.EMPTY, rows, List.of());
    }

    private static PropMessage withStreams(int n, long each) {
        List<AttachmentRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(AttachmentRow.of(new Blob() {
                @Override
                public long size() {
                    return each;
                }

                @Override
                public java.io.InputStream open() {
                    throw new UnsupportedOperationException();
                }
            }, null, null, null));
        }
        return new PropMessage(PropertySet.EMPTY, List.of(), rows);
    }

    @Test
    void everyLimitHoldsAtItsValueAndRefusesOneMore() throws PropFormatException {
        atAndOver(withProps(5), withProps(6), limits(5, 100, 10, 10, 4096, 10, 1000), Code.TOO_MANY_PROPERTIES);
        Property ten = Property.of(PropTags.SUBJECT, "0123456789");
        Property eleven = Property.of(PropTags.SUBJECT, "0123456789é".substring(0, 10) + "x");
        atAndOver(withValue(ten), withValue(eleven), limits(5, 10, 10, 10, 4096, 10, 1000), Code.VALUE_TOO_LONG);
        atAndOver(withValue(new Property(PropTags.HTML, new PropValue.Bytes(new byte[10]))),
                withValue(new Property(PropTags.HTML, new PropValue.Bytes(new byte[11]))),
                limits(5, 10, 10, 10, 4096, 10, 1000), Code.VALUE_TOO_LONG);
        PropTag mv = new PropTag(0x8000, PropType.MV_LONG);
        List<PropValue> three = List.of(new PropValue.Int32(1), new PropValue.Int32(2), new PropValue.Int32(3));
        atAndOver(withValue(new Property(mv, new PropValue.Multi(PropType.MV_LONG, three.subList(0, 2)))),
                withValue(new Property(mv, new PropValue.Multi(PropType.MV_LONG, three))),
                limits(5, 10, 2, 10, 4096, 10, 1000), Code.TOO_MANY_VALUES);
        atAndOver(withRows(3), withRows(4), limits(5, 100, 10, 3, 4096, 10, 1000), Code.TOO_MANY_ROWS);
        atAndOver(withStreams(2, 10), withStreams(3, 10), limits(5, 100, 10, 10, 4096, 2, 1000), Code.TOO_MANY_STREAMS);
        atAndOver(withStreams(2, 50), withStreams(2, 51), limits(5, 100, 10, 10, 4096, 10, 100), Code.STREAMS_TOO_LARGE);
        int size = PropEncoder.encode(withProps(3), PropLimits.DEFAULTS).octets().length;
        atAndOver(withProps(3), withProps(4), limits(5, 100, 10, 10, size, 10, 1000), Code.TOO_LARGE);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedAtTheHeader() {
        PropDecoder d = new PropDecoder(limits(5, 100, 10, 10, 1000, 10, 1000));
        byte[] header = {'P', 'R', 'P', 'S', 1, 0, 0, 3, (byte) 0xE0}; // 992 + 9 = 1001
        assertEquals(9, d.feed(header, 0, 9));
        assertEquals(PropDecoder.Status.ERROR, d.status());
        assertEquals(Code.TOO_LARGE, d.error().code());
        assertEquals(0, d.feed(new byte[10], 0, 10), "a failed decoder takes nothing more");
    }

    @Test
    void timesAreFileTimes() throws PropFormatException {
        Instant t = Instant.parse("2026-11-30T04:46:29.123456789Z");
        PropMessage m = withValue(new Property(PropTags.CLIENT_SUBMIT_TIME, new PropValue.Time(t)));
        byte[] b = PropEncoder.encode(m, L).octets();
        long ft = ByteBuffer.wrap(b, 9 + 4 + 4, 8).getLong();
        assertEquals(Instant.parse("2026-11-30T04:46:29.1234567Z"), PropCodec.instant(ft));
        // the Unix epoch is FILETIME 116444736000000000 (11644473600 s after 1601-01-01)
        assertEquals((t.getEpochSecond() + 11_644_473_600L) * 10_000_000L + 1_234_567, ft);
        assertEquals(116_444_736_000_000_000L, PropCodec.fileTime(Instant.EPOCH));
        assertEquals(m, PropDecoder.decode(b, L).message());
    }
}
