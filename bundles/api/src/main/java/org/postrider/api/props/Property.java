package org.postrider.api.props;

import java.util.Objects;

/** One property: its tag and a value of the tag's type. */
public record Property(PropTag tag, PropValue value) {
    public Property {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(value, "value");
        if (value.type() != tag.type()) {
            throw new IllegalArgumentException("property " + tag + " cannot hold a " + value.type() + " value");
        }
    }

    public static Property of(PropTag tag, String text) {
        return new Property(tag, new PropValue.Text(text));
    }

    public static Property of(PropTag tag, int value) {
        return new Property(tag, new PropValue.Int32(value));
    }
}
