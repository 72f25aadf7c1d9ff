package org.postrider.internal.proto;

/** The codes of an ERROR frame (docs/internal-protocol.md, section 8). */
public enum ErrorCode {
    PROTOCOL(1), UNKNOWN_FRAME(2), FRAME_TOO_LARGE(3), VERSION(4), AUTH_FAILED(5), UNKNOWN_PEER(6),
    NOT_AUTHENTICATED(7), WINDOW(8), TIMEOUT(9), SHUTDOWN(10), INTERNAL(11);

    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The code's constant, or PROTOCOL for a code this version does not know. */
    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return PROTOCOL;
    }
}
