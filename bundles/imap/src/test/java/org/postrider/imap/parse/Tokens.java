package org.postrider.imap.parse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Parses one command line through the real parser, for tests of the argument parsers. */
final class Tokens {
    private Tokens() {
    }

    static ImapRequest request(String line) {
        ImapRequestParser p = new ImapRequestParser(ImapLimits.DEFAULTS);
        p.authenticated(true);
        byte[] b = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
        int pos = 0;
        while (pos < b.length) {
            pos += p.feed(b, pos, b.length - pos);
            switch (p.status()) {
                case COMPLETE -> {
                    return p.take();
                }
                case ERROR -> throw new IllegalArgumentException(p.takeError().response());
                default -> {
                }
            }
        }
        throw new IllegalArgumentException("incomplete: " + line);
    }

    /** The command in {@code line} (CRLF added), or null when the parser refuses it or wants a stream. */
    static ImapRequest tryRequest(byte[] line) {
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
                    return p.take();
                }
                case ERROR, STREAM_LITERAL -> {
                    return null;
                }
                default -> {
                }
            }
        }
        return null;
    }

    static List<ImapToken> args(String line) {
        return request(line).args();
    }
}
