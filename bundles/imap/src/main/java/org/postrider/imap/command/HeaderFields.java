package org.postrider.imap.command;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * HEADER.FIELDS and HEADER.FIELDS.NOT (RFC 9051 6.4.5): the header's fields kept or dropped by
 * name, as a filter the header's octets stream through, so a header of any size is filtered
 * in bounded memory: only the start of a line, up to its colon, is held until the field's
 * name is known.
 */
final class HeaderFields extends OutputStream {
    private final OutputStream sink;
    private final Set<String> wanted;
    private final boolean not;
    /** The start of the current line while its field is not known; longer than any wanted name, it is none of them. */
    private final byte[] head;
    private int headLen;
    private long pos; // octets of the current line so far
    private boolean decided;
    private boolean keep;
    private boolean done;
    private boolean closed;

    private HeaderFields(OutputStream sink, List<String> names, boolean not) {
        this.sink = sink;
        this.wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.not = not;
        this.head = new byte[names.stream().mapToInt(String::length).max().orElse(0) + 256];
    }

    /**
     * A stream that passes to {@code sink} the fields named in {@code names} (or, with
     * {@code not}, the others), folded lines kept, up to the blank line, and on close the
     * blank line; it does not close {@code sink}.
     */
    static OutputStream filtering(OutputStream sink, List<String> names, boolean not) {
        return new HeaderFields(sink, names, not);
    }

    /** The same over octets in memory. */
    static byte[] filter(byte[] header, List<String> names, boolean not) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (OutputStream f = filtering(out, names, not)) {
            f.write(header);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not from memory
        }
        return out.toByteArray();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int runStart = -1; // a run of octets of a decided line, written at once
        for (int i = off; i < off + len && !done; i++) {
            byte c = b[i];
            if (pos == 0) {
                if (c == '\n') {
                    done = true; // the blank line
                    break;
                }
                decided = c == ' ' || c == '\t'; // a folded line goes with its field
                headLen = 0;
            } else if (pos == 1 && !decided && headLen == 1 && head[0] == '\r' && c == '\n') {
                done = true; // the blank line, CRLF
                break;
            }
            pos++;
            if (decided) {
                if (keep && runStart < 0) {
                    runStart = i;
                }
            } else if (c == ':' || c == '\n' || headLen == head.length) {
                decide(headLen == head.length && c != ':' && c != '\n' ? null : name());
                if (keep) {
                    sink.write(head, 0, headLen);
                    runStart = i;
                }
            } else {
                head[headLen++] = c;
            }
            if (c == '\n') {
                if (runStart >= 0) {
                    sink.write(b, runStart, i + 1 - runStart);
                    runStart = -1;
                }
                pos = 0;
            }
        }
        if (runStart >= 0) {
            sink.write(b, runStart, off + len - runStart);
        }
    }

    private String name() {
        return new String(head, 0, headLen, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
    }

    /** @param name the field's name, null for one longer than any wanted */
    private void decide(String name) {
        decided = true;
        keep = (name != null && wanted.contains(name)) != not;
    }

    /** Ends the header: a last line without its line end is judged as it stands; then the blank line. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        boolean blank = pos == 1 && !decided && headLen == 1 && head[0] == '\r';
        if (!done && pos > 0 && !decided && !blank) {
            decide(name());
            if (keep) {
                sink.write(head, 0, headLen);
            }
        }
        done = true;
        sink.write('\r');
        sink.write('\n');
    }
}
