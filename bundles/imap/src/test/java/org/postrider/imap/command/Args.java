package org.postrider.imap.command;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postrider.imap.parse.ImapLimits;
import org.postrider.imap.parse.ImapRequestParser;
import org.postrider.imap.parse.ImapToken;

/** A command line's arguments, through the real parser, for tests of the commands' argument checks. */
final class Args {
    private Args() {
    }

    /** The arguments of {@code line} (CRLF added), or null when the parser refuses it or wants more. */
    static List<ImapToken> of(byte[] line) {
        ImapRequestParser p = new ImapRequestParser(ImapLimits.DEFAULTS);
        p.authenticated(true);
        byte[] b = java.util.Arrays.copyOf(line, line.length + 2);
        b[line.length] = '\r';
        b[line.length + 1] = '\n';
        int pos = 0;
        while (pos < b.length) {
            pos += p.feed(b, pos, b.length - pos);
            switch (p.status()) {
                case COMPLETE -> {
                    return p.take().args();
                }
                case NEED_MORE -> {
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    static List<ImapToken> of(String line) {
        List<ImapToken> args = of(line.getBytes(StandardCharsets.UTF_8));
        if (args == null) {
            throw new IllegalArgumentException("not a command: " + line);
        }
        return args;
    }

    /** The last argument of {@code line}, a list. */
    static ImapToken.ListOf list(String line) {
        List<ImapToken> args = of(line);
        return (ImapToken.ListOf) args.get(args.size() - 1);
    }
}
