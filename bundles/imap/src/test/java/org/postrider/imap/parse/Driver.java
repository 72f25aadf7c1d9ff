package org.postrider.imap.parse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Plays the session's part for tests: feeds an input in chunks of given sizes, answers
 * CONTINUE with "+", takes streamed literals' octets itself (the handle is their CRC), and
 * records every event as a line.
 */
final class Driver {
    private Driver() {
    }

    static List<String> run(ImapLimits limits, boolean authenticated, byte[] input, int[] chunks) {
        ImapRequestParser p = new ImapRequestParser(limits);
        p.authenticated(authenticated);
        List<String> events = new ArrayList<>();
        int pos = 0;
        int c = 0;
        while (pos < input.length) {
            int chunk = chunks.length == 0 ? input.length : Math.max(1, chunks[c++ % chunks.length]);
            int len = Math.min(chunk, input.length - pos);
            int end = pos + len;
            while (pos < end) {
                pos += p.feed(input, pos, end - pos);
                switch (p.status()) {
                    case NEED_MORE -> {
                    }
                    case CONTINUE -> events.add("+");
                    case STREAM_LITERAL -> {
                        if (p.literalSynchronizing()) {
                            events.add("+");
                        }
                        long n = p.literalSize();
                        if (input.length - pos < n) {
                            events.add("EOF in streamed literal");
                            return events;
                        }
                        CRC32 crc = new CRC32();
                        crc.update(input, pos, (int) n);
                        pos += (int) n;
                        end = Math.max(end, pos);
                        p.literalStreamed(n + ":" + Long.toHexString(crc.getValue()));
                    }
                    case COMPLETE -> events.add(describe(p.take()));
                    case ERROR -> {
                        ParseError e = p.takeError();
                        events.add(e.response());
                        if (e.fatal()) {
                            return events;
                        }
                    }
                }
            }
        }
        if (p.started()) {
            events.add("EOF in command");
        }
        return events;
    }

    static List<String> run(ImapLimits limits, boolean authenticated, String input) {
        return run(limits, authenticated, input.getBytes(StandardCharsets.UTF_8), new int[0]);
    }

    static String describe(ImapRequest r) {
        StringBuilder sb = new StringBuilder(r.tag()).append(' ').append(r.uid() ? "UID " : "").append(r.command());
        for (ImapToken t : r.args()) {
            sb.append(' ');
            describe(t, sb);
        }
        return sb.toString();
    }

    static void describe(ImapToken t, StringBuilder sb) {
        switch (t) {
            case ImapToken.Atom a -> sb.append(a.text());
            case ImapToken.Quoted q -> sb.append('"').append(q.text()).append('"');
            case ImapToken.Literal l -> sb.append(l);
            case ImapToken.StreamedLiteral s -> sb.append("<stream ").append(s.handle()).append(s.binary() ? " binary>" : ">");
            case ImapToken.ListOf l -> {
                sb.append('(');
                for (int i = 0; i < l.items().size(); i++) {
                    if (i > 0) {
                        sb.append(' ');
                    }
                    describe(l.items().get(i), sb);
                }
                sb.append(')');
            }
        }
    }
}
