package org.postrider.lineserver;

import java.io.OutputStream;

/**
 * A literal a command line announced ({@code {n}} or {@code {n+}}: IMAP, ManageSieve), as the
 * protocol hands it to {@link CommandLoop#literalFollows}: the loop reads exactly
 * {@code size} octets into {@code sink}, unframed (any octet, CR and LF included), then the
 * line that continues the command.
 *
 * @param size         octets the client announced
 * @param max          the most the protocol accepts here (its limit for the session's state:
 *                     small before login); a larger literal is refused before any of it is read
 * @param continuation the line that invites a synchronizing literal ("+ Ready for literal
 *                     data"), sent and flushed before reading; null for a non-synchronizing one
 *                     (RFC 7888), which the client sends without waiting
 * @param sink         where the octets go as they arrive, one buffer load at a time (a
 *                     temporary file for a large APPEND), never gathered in memory; null
 *                     discards them. A sink that throws ends the session; one that should
 *                     not (a full disk) keeps the failure and reports it when the command
 *                     resumes
 */
public record Literal(long size, long max, String continuation, OutputStream sink) {
    public Literal {
        if (size < 0 || max < 0) {
            throw new IllegalArgumentException("negative literal size or limit");
        }
    }

    /** A literal the client sends only after the continuation line. */
    public static Literal synchronizing(long size, long max, String continuation, OutputStream sink) {
        return new Literal(size, max, java.util.Objects.requireNonNull(continuation), sink);
    }

    /** A literal the client sends at once behind its line ({@code {n+}}). */
    public static Literal nonSynchronizing(long size, long max, OutputStream sink) {
        return new Literal(size, max, null, sink);
    }

    public boolean synchronizing() {
        return continuation != null;
    }

    /** Whether it is within the protocol's limit. */
    public boolean allowed() {
        return size <= max;
    }
}
