package org.postrider.internal.proto;

import java.io.IOException;

/**
 * The peer broke the protocol (or, received in an ERROR frame, said we did): the
 * connection ends, after an ERROR frame with {@link #code()} where one can still be sent.
 */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
