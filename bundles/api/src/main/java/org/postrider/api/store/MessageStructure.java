package org.postrider.api.store;

import java.time.Instant;
import java.util.List;

/**
 * A message's MIME structure as IMAP shows it (ENVELOPE, BODYSTRUCTURE), with the byte
 * offsets of every part, parsed once by the store and cached: a client reads one part or a
 * range of it ({@code BODY[2.1]<0.1024>}) through {@link org.postrider.api.message.MessageContent#open(long, long)}
 * without the file being read whole, and header searches need no file.
 *
 * @param sentDate  the Date header parsed, or null when missing or unreadable
 * @param headers   the top-level header fields in order (bounded: see {@code truncated})
 * @param truncated true when the store stopped parsing at its bounds (nesting depth, part
 *                  count, header size): what lies past them is shown as one opaque part
 */
public record MessageStructure(Envelope envelope, BodyPart body, Instant sentDate, List<HeaderField> headers,
        boolean truncated) {
    public MessageStructure {
        headers = List.copyOf(headers);
    }

    /**
     * The part at an IMAP section path ({@code [2, 1]} for "2.1"); an empty path is the
     * message itself. A non-multipart message has the one part "1". Null if there is none.
     */
    public BodyPart part(int... path) {
        BodyPart p = body;
        for (int n : path) {
            if (p.message() != null) {
                p = p.message(); // a part number inside message/rfc822 counts in the enclosed message
            }
            if (p.parts().isEmpty()) {
                if (n != 1) {
                    return null;
                }
                continue;
            }
            if (n < 1 || n > p.parts().size()) {
                return null;
            }
            p = p.parts().get(n - 1);
        }
        return p;
    }
}
