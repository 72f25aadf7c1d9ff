package org.postrider.imap.parse;

/**
 * The bounds {@link ImapRequestParser} enforces, all in one place (SECURITY.md 3.4): every
 * parser state passes through them, so no state can allocate past them.
 *
 * @param maxLineLength          octets of one line of a command (between literals), CRLF excluded
 * @param maxLiteralBeforeLogin  the largest literal granted before authentication
 * @param maxLiteralAfterLogin   the largest literal granted after it (APPEND size bound)
 * @param maxNonSyncLiteral      the largest non-synchronising literal {n+} (4096 is LITERAL-)
 * @param streamThreshold        literals above this go to the caller as a stream, not memory
 * @param maxCommandMemory       octets one command may hold in memory: lines and buffered literals
 * @param maxDepth               nesting depth of parenthesised lists
 * @param maxTokens              tokens (atoms, strings, literals, lists) in one command
 */
public record ImapLimits(int maxLineLength, long maxLiteralBeforeLogin, long maxLiteralAfterLogin,
        long maxNonSyncLiteral, int streamThreshold, int maxCommandMemory, int maxDepth, int maxTokens) {

    /** 64 KiB lines (Dovecot's imap_max_line_length), 8 KiB literals before login, 64 MiB after. */
    public static final ImapLimits DEFAULTS = new ImapLimits(64 * 1024, 8 * 1024, 64L * 1024 * 1024,
            64L * 1024 * 1024, 64 * 1024, 1024 * 1024, 32, 10_000);

    public ImapLimits {
        if (maxLineLength < 16 || maxLiteralBeforeLogin < 0 || maxLiteralAfterLogin < 0 || maxNonSyncLiteral < 0
                || streamThreshold < 0 || maxCommandMemory < maxLineLength || maxDepth < 1 || maxTokens < 3) {
            throw new IllegalArgumentException("invalid IMAP limits");
        }
    }
}
