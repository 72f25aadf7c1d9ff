package org.postrider.lineserver;

import java.io.IOException;

/**
 * The peer broke the framing rules: a bare CR or LF, a line over the limit, plaintext
 * pipelined behind STARTTLS, a missed deadline. The session reports it in its own
 * protocol's words and, where {@link #fatal()} says so, closes.
 */
public class ProtocolViolation extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for the protocol to phrase its reply. */
    public enum Kind {
        /** A line longer than the limit; the rest of it was discarded, the session may go on. */
        LINE_TOO_LONG(false),
        /** A CR or LF not part of CRLF: the smuggling and injection vector; close. */
        BARE_LINE_ENDING(true),
        /** Bytes sent after STARTTLS before the handshake: the injection vector; close. */
        PIPELINED_STARTTLS(true),
        /** The peer was idle too long, or took too long over one command; close. */
        TIMEOUT(true),
        /** An over-long line of compressed input: discarding its rest would inflate without bound; close. */
        INFLATION(true);

        private final boolean fatal;

        Kind(boolean fatal) {
            this.fatal = fatal;
        }
    }

    private final Kind kind;

    public ProtocolViolation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean fatal() {
        return kind.fatal;
    }
}
