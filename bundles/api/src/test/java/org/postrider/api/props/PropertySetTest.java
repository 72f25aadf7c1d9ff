package org.postrider.api.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertySetTest {
    @Test
    void tagsAreMapisNumbers() {
        assertEquals(0x0037001F, PropTags.SUBJECT.value());
        assertEquals(0x37010102, PropTags.ATTACH_DATA_BIN.value());
        assertEquals(PropTags.RECIPIENT_TYPE, PropTag.of(0x0C150003));
        assertEquals(PropType.MV_UNICODE, PropType.UNICODE.multi());
        assertEquals(PropType.LONG, PropType.MV_LONG.single());
        assertNull(PropType.BOOLEAN.multi());
        assertThrows(IllegalArgumentException.class, () -> PropTag.of(0x0037001E)); // PT_STRING8 is not carried
        assertThrows(IllegalArgumentException.class, () -> PropTag.of(0x0000001F));
        assertThrows(IllegalArgumentException.class, () -> new PropTag(0x10000, PropType.LONG));
    }

    @Test
    void aSetIsSortedHasOneValuePerIdAndIsBounded() {
        PropertySet s = PropertySet.of(Property.of(PropTags.SUBJECT, "s"), Property.of(PropTags.IMPORTANCE, 2));
        assertEquals(List.of(PropTags.IMPORTANCE, PropTags.SUBJECT), s.properties().stream().map(Property::tag).toList());
        assertEquals("s", s.text(PropTags.SUBJECT).orElseThrow());
        assertTrue(s.get(new PropTag(0x0037, PropType.BINARY)).isEmpty(), "same id, other type");
        assertThrows(IllegalArgumentException.class, () -> PropertySet.of(Property.of(PropTags.SUBJECT, "a"),
                new Property(new PropTag(0x0037, PropType.BINARY), new PropValue.Bytes(new byte[0]))));
        assertEquals("t", s.with(Property.of(PropTags.SUBJECT, "t")).text(PropTags.SUBJECT).orElseThrow());
        assertEquals(1, s.without(0x0037).size());
        List<Property> many = new ArrayList<>();
        for (int i = 1; i <= PropertySet.MAX_PROPERTIES + 1; i++) {
            many.add(Property.of(new PropTag(i, PropType.LONG), i));
        }
        assertThrows(IllegalArgumentException.class, () -> PropertySet.of(many));
        assertEquals(PropertySet.MAX_PROPERTIES, PropertySet.of(many.subList(0, PropertySet.MAX_PROPERTIES)).size());
    }

    @Test
    void valuesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Property.of(PropTags.SUBJECT, 1));
        assertThrows(IllegalArgumentException.class, () -> new PropValue.Text("a\uD800b"));
        assertEquals("a\uD83D\uDE00", new PropValue.Text("a\uD83D\uDE00").value());
        assertThrows(IllegalArgumentException.class, () -> new PropValue.Time(Instant.parse("1600-12-31T23:59:59Z")));
        assertThrows(IllegalArgumentException.class, () -> new PropValue.Time(Instant.parse("+30829-01-01T00:00:00Z")));
        assertEquals(Instant.parse("2026-11-30T04:46:29.1234567Z"),
                new PropValue.Time(Instant.parse("2026-11-30T04:46:29.123456789Z")).value(), "cut to 100 ns");
        assertThrows(IllegalArgumentException.class, () -> new PropValue.Stream(PropType.LONG, Blob.of(new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> new PropValue.Multi(PropType.LONG, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new PropValue.Multi(PropType.MV_LONG, List.of(new PropValue.Int64(1))));
        assertThrows(IllegalArgumentException.class, () -> new PropValue.Multi(PropType.MV_BINARY,
                List.of(new PropValue.Stream(PropType.BINARY, Blob.of(new byte[0])))));
        byte[] b = {1, 2};
        PropValue.Bytes bytes = new PropValue.Bytes(b);
        b[0] = 9;
        assertEquals(new PropValue.Bytes(new byte[] {1, 2}), bytes, "copied, compared by content");
    }

    @Test
    void rowsNeedWhatTheirTableRequires() {
        assertThrows(IllegalArgumentException.class, () -> RecipientRow.of(4, "a@example.org", null));
        assertThrows(IllegalArgumentException.class, () -> RecipientRow.of(PropTags.MAPI_TO, "a@example.org\r\nX: y", null));
        assertThrows(IllegalArgumentException.class,
                () -> new RecipientRow(PropertySet.of(Property.of(PropTags.RECIPIENT_TYPE, PropTags.MAPI_CC))));
        assertThrows(IllegalArgumentException.class, () -> new AttachmentRow(PropertySet.EMPTY));
        RecipientRow r = RecipientRow.of(PropTags.MAPI_CC, "a@example.org", "");
        assertTrue(r.displayName().isEmpty());
        AttachmentRow a = new AttachmentRow(PropertySet.of(new Property(PropTags.ATTACH_DATA_BIN, new PropValue.Bytes(new byte[3])),
                Property.of(PropTags.ATTACH_FILENAME, "A.TXT")));
        assertEquals(3, a.data().size());
        assertEquals("A.TXT", a.fileName().orElseThrow());
    }
}
