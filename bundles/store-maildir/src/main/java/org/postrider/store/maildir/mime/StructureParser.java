package org.postrider.store.maildir.mime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;
import org.postrider.kit.mime.AddressParser;
import org.postrider.kit.mime.DateParser;

/**
 * Parses a message's MIME structure in one pass over its octets, for ENVELOPE,
 * BODYSTRUCTURE and part fetches by offset.
 *
 * <p>A line scanner rather than mime4j's MimeTokenStream: the token stream reports no byte
 * offsets (a part fetch needs them exact), wraps each nesting level in another boundary
 * stream (every octet is scanned once per level), and aborts on a header over its limit
 * where the parser must go on. Here each line is compared with the open boundaries only
 * (at most {@link Bounds#depth()}, only for lines starting "--"), so the work is linear in
 * the message whatever its nesting, and memory is one buffer plus the kept headers,
 * whatever its size or line lengths.
 *
 * <p>Broken MIME still gives a structure: a missing closing boundary ends the part at the
 * enclosing boundary or the end of the message; a multipart without a boundary or without
 * parts gets one text/plain part holding its whole body (BODYSTRUCTURE needs one); garbage
 * header lines are skipped; a bad Content-Type is text/plain (RFC 2045 5.2). The CRLF
 * before a boundary line belongs to the boundary (RFC 2046 5.1.1), not to the part.
 */
public final class StructureParser {
    /** Longest boundary taken (RFC 2046 allows 70); a longer one makes the multipart opaque. */
    static final int MAX_BOUNDARY = 200;
    private static final int BOUNDARY_KEEP = MAX_BOUNDARY + 4;

    private final Bounds bounds;
    private final LineReader reader;
    private final HeaderCollector.Budget budget;
    private final List<Frame> stack = new ArrayList<>();
    private int partsSeen;
    private int openBoundaries;
    private final long hashBase = ThreadLocalRandom.current().nextLong() | 1;
    private final long[] prefixHash = new long[MAX_BOUNDARY + 1];
    private boolean truncated;
    private long lineNo; // lines begun before the current one
    private long prevStart = -1;
    private int prevEol;
    private BodyPart rootPart;
    private List<HeaderField> rootHeaders = List.of();
    private Envelope rootEnvelope;
    private Instant sentDate;

    private StructureParser(InputStream in, Bounds bounds) {
        this.bounds = bounds;
        this.reader = new LineReader(in);
        this.budget = new HeaderCollector.Budget(bounds.totalHeaderBytes());
    }

    /** {@link #parse(InputStream, Bounds)} with {@link Bounds#DEFAULT}. */
    public static MessageStructure parse(InputStream in) throws IOException {
        return parse(in, Bounds.DEFAULT);
    }

    /**
     * Reads {@code in} to its end (the caller closes it) and returns the structure; offsets
     * count from the first octet read. Never fails on the content, only on reading.
     */
    public static MessageStructure parse(InputStream in, Bounds bounds) throws IOException {
        return new StructureParser(in, bounds).run();
    }

    /** One MIME entity being read. */
    private static final class Frame {
        final Frame parent;
        final int depth;
        final boolean message; // the message itself or one enclosed in message/rfc822
        final boolean digestPart;
        final long headerOffset;
        HeaderCollector header; // while the header is read
        ContentFields content;
        Envelope envelope;
        long bodyOffset;
        long bodyLine;
        byte[] boundary; // while this multipart's delimiter lines are awaited
        long boundaryHash;
        final List<BodyPart> parts = new ArrayList<>();
        Envelope enclosedEnvelope;
        BodyPart enclosed;

        Frame(Frame parent, int depth, boolean message, boolean digestPart, long headerOffset, HeaderCollector header) {
            this.parent = parent;
            this.depth = depth;
            this.message = message;
            this.digestPart = digestPart;
            this.headerOffset = headerOffset;
            this.header = header;
        }
    }

    private MessageStructure run() throws IOException {
        stack.add(new Frame(null, 1, true, false, 0, newHeader()));
        while (reader.next(keep())) {
            if (!boundaryLine()) {
                Frame top = stack.get(stack.size() - 1);
                if (top.header != null) {
                    if (reader.contentLength == 0) {
                        endHeader(top, reader.start + reader.length, lineNo + 1, false);
                    } else {
                        top.header.line(reader);
                    }
                }
            }
            prevStart = reader.start;
            prevEol = reader.eol;
            lineNo++;
        }
        closeAbove(-1, reader.position());
        return new MessageStructure(rootEnvelope, rootPart, sentDate, rootHeaders, truncated);
    }

    private int keep() {
        Frame top = stack.get(stack.size() - 1);
        return top.header == null ? BOUNDARY_KEEP : Math.max(BOUNDARY_KEEP, top.header.keep());
    }

    private HeaderCollector newHeader() {
        return new HeaderCollector(bounds.headerBytes(), budget);
    }

    /**
     * Handles the current line if it is a delimiter of an open multipart. The line's prefixes
     * are hashed once (a random base per parse), so each open boundary costs one comparison
     * of hashes, and octets only for the one that matches: boundaries alike in their first
     * 190 octets do not make every "--" line cost 190 octets per open multipart.
     */
    private boolean boundaryLine() {
        byte[] k = reader.kept;
        int n = reader.keptLength;
        if (openBoundaries == 0 || n < 3 || k[0] != '-' || k[1] != '-') {
            return false;
        }
        int hashed = Math.min(n - 2, MAX_BOUNDARY);
        long h = 0;
        for (int j = 0; j < hashed; j++) {
            h = h * hashBase + (k[2 + j] & 0xff);
            prefixHash[j + 1] = h;
        }
        for (int m = stack.size() - 1; m >= 0; m--) {
            Frame f = stack.get(m);
            byte[] b = f.boundary;
            if (b == null || hashed < b.length || prefixHash[b.length] != f.boundaryHash) {
                continue;
            }
            int rest = 2 + b.length;
            boolean close = n >= rest + 2 && k[rest] == '-' && k[rest + 1] == '-';
            if (!close && n > rest && k[rest] != ' ' && k[rest] != '\t') {
                continue; // a longer word that begins with this boundary
            }
            if (!Arrays.equals(k, 2, rest, b, 0, b.length)) {
                continue; // the hashes collided
            }
            closeAbove(m, prevStart < 0 ? reader.start : reader.start - prevEol);
            Frame multipart = stack.get(m);
            if (close) {
                multipart.boundary = null; // the epilogue follows, up to the enclosing boundary
                openBoundaries--;
            } else if (partsSeen >= bounds.parts()) {
                truncated = true; // skipped up to the next boundary
            } else {
                partsSeen++;
                stack.add(new Frame(multipart, multipart.depth + 1, false,
                        multipart.content.is("multipart", "digest"), reader.start + reader.length, newHeader()));
            }
            return true;
        }
        return false;
    }

    /**
     * Ends the frames above {@code m} (all with -1) at {@code end}, innermost first. A frame
     * whose header's empty line is the line end before the boundary ends after that line,
     * and so do the frames around it: a part never ends past its parent.
     */
    private void closeAbove(int m, long end) {
        while (stack.size() - 1 > m) {
            end = Math.max(end, close(stack.remove(stack.size() - 1), end));
        }
    }

    /** Lines begun before {@code offset}, which is at most the current line's start. */
    private long linesBefore(long offset) {
        return lineNo - (prevStart >= 0 && prevStart >= offset ? 1 : 0);
    }

    private void endHeader(Frame f, long bodyOffset, long bodyLine, boolean closing) {
        List<HeaderField> fields = f.header.finish();
        truncated |= f.header.overflowed;
        f.header = null;
        f.content = ContentFields.of(fields, f.digestPart);
        f.bodyOffset = bodyOffset;
        f.bodyLine = bodyLine;
        if (f.message) {
            f.envelope = envelope(fields);
            if (f.parent == null) {
                rootHeaders = fields;
                rootEnvelope = f.envelope;
                sentDate = DateParser.parse(f.envelope.date());
            }
        }
        if (closing) {
            return;
        }
        ContentFields c = f.content;
        if (c.type.equals("multipart")) {
            byte[] b = boundary(c.boundary);
            if (b != null && f.depth < bounds.depth()) {
                f.boundary = b;
                f.boundaryHash = hash(b);
                openBoundaries++;
            } else if (b != null) {
                truncated = true;
            }
        } else if (c.enclosesMessage()) {
            if (f.depth < bounds.depth() && partsSeen < bounds.parts()) {
                partsSeen++;
                stack.add(new Frame(f, f.depth + 1, true, false, bodyOffset, newHeader()));
            } else {
                truncated = true;
            }
        }
    }

    private long hash(byte[] b) {
        long h = 0;
        for (byte x : b) {
            h = h * hashBase + (x & 0xff);
        }
        return h;
    }

    private static byte[] boundary(String b) {
        if (b == null || b.isEmpty() || b.length() > MAX_BOUNDARY) {
            return null;
        }
        for (int i = 0; i < b.length(); i++) {
            if (b.charAt(i) < 32 || b.charAt(i) > 126) {
                return null;
            }
        }
        return b.getBytes(StandardCharsets.US_ASCII);
    }

    /** Ends a frame at {@code end} or, if its body begins later, there; returns where it ended. */
    private long close(Frame f, long end) {
        if (f.boundary != null) {
            f.boundary = null; // never closed: ended by an enclosing boundary or the end of the message
            openBoundaries--;
        }
        if (f.header != null) {
            long at = Math.max(f.headerOffset, end);
            endHeader(f, at, linesBefore(at), true);
        }
        long lines = 0;
        if (end < f.bodyOffset) {
            end = f.bodyOffset; // an empty body: the line end before the boundary is the header's
        } else {
            lines = Math.max(0, linesBefore(end) - f.bodyLine);
        }
        ContentFields c = f.content;
        List<BodyPart> parts = f.parts;
        if (c.type.equals("multipart") && parts.isEmpty()) {
            parts = List.of(new BodyPart("text", "plain", List.of(new BodyPart.Parameter("charset", "us-ascii")),
                    null, null, "7BIT", f.bodyOffset, f.bodyOffset, end, lines, null, null, List.of(), null,
                    List.of(), null, null));
        }
        BodyPart part = new BodyPart(c.type, c.subtype, c.parameters, c.id, c.description, c.encoding,
                f.headerOffset, f.bodyOffset, end, c.countsLines() ? lines : 0, c.md5, c.disposition, c.language,
                c.location, parts, f.enclosedEnvelope, f.enclosed);
        Frame p = f.parent;
        if (p == null) {
            rootPart = part;
        } else if (f.message) {
            p.enclosed = part;
            p.enclosedEnvelope = f.envelope;
        } else {
            p.parts.add(part);
        }
        return end;
    }

    private static Envelope envelope(List<HeaderField> fields) {
        String[] v = new String[10];
        for (HeaderField f : fields) {
            int k = switch (f.name().toLowerCase(Locale.ROOT)) {
                case "date" -> 0;
                case "subject" -> 1;
                case "from" -> 2;
                case "sender" -> 3;
                case "reply-to" -> 4;
                case "to" -> 5;
                case "cc" -> 6;
                case "bcc" -> 7;
                case "in-reply-to" -> 8;
                case "message-id" -> 9;
                default -> -1;
            };
            if (k >= 0 && v[k] == null) {
                v[k] = f.value();
            }
        }
        return new Envelope(v[0], v[1], addresses(v[2]), addresses(v[3]), addresses(v[4]), addresses(v[5]),
                addresses(v[6]), addresses(v[7]), v[8], v[9]);
    }

    private static List<Envelope.Address> addresses(String v) {
        return v == null ? null : List.copyOf(AddressParser.parse(v));
    }
}
