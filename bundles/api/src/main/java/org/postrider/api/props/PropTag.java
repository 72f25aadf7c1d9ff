package org.postrider.api.props;

import java.util.Objects;

/**
 * A property tag: a 16-bit property id and the value type, {@code id << 16 | type}, as MAPI
 * writes it (PR_SUBJECT is {@code 0x0037001F}). Id 0 (PR_NULL) is not a property.
 *
 * @param id   1 to 0xFFFF
 * @param type the value type
 */
public record PropTag(int id, PropType type) {
    public PropTag {
        Objects.requireNonNull(type, "type");
        if (id < 1 || id > 0xFFFF) {
            throw new IllegalArgumentException("a property id is 1 to 0xFFFF: " + id);
        }
    }

    /** The 32-bit tag. */
    public int value() {
        return id << 16 | type.code();
    }

    /** The tag of that 32-bit value; an exception when its id is 0 or its type unknown. */
    public static PropTag of(int value) {
        PropType t = PropType.of(value & 0xFFFF);
        if (t == null) {
            throw new IllegalArgumentException(String.format("unknown property type 0x%04X", value & 0xFFFF));
        }
        return new PropTag(value >>> 16, t);
    }

    @Override
    public String toString() {
        return String.format("0x%08X", value());
    }
}
