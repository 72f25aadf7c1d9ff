package org.postrider.api.props;

/**
 * The value types a property can have, with MAPI's type codes. A multi-valued type is its
 * single-valued type's code with {@code 0x1000} set.
 */
public enum PropType {
    /** PT_LONG: a signed 32-bit integer. */
    LONG(0x0003),
    /** PT_I8: a signed 64-bit integer. */
    I8(0x0014),
    /** PT_BOOLEAN. */
    BOOLEAN(0x000B),
    /** PT_SYSTIME: a time, as a FILETIME (100 ns intervals since 1601-01-01 UTC). */
    SYSTIME(0x0040),
    /** PT_UNICODE: text (UTF-8 on the wire). */
    UNICODE(0x001F),
    /** PT_BINARY: octets. */
    BINARY(0x0102),
    MV_LONG(0x1003),
    MV_I8(0x1014),
    MV_SYSTIME(0x1040),
    MV_UNICODE(0x101F),
    MV_BINARY(0x1102);

    /** The bit that makes a type multi-valued. */
    public static final int MV_FLAG = 0x1000;

    private final int code;

    PropType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean multiValued() {
        return (code & MV_FLAG) != 0;
    }

    /** The type of one element of a multi-valued type, or this type itself. */
    public PropType single() {
        return multiValued() ? of(code & ~MV_FLAG) : this;
    }

    /** The multi-valued type whose elements are of this type, or null when there is none (BOOLEAN). */
    public PropType multi() {
        return multiValued() ? this : of(code | MV_FLAG);
    }

    /** The type of that code, or null when it is not one of these. */
    public static PropType of(int code) {
        for (PropType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
