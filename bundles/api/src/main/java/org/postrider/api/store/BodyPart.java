package org.postrider.api.store;

import java.util.List;

/**
 * One MIME entity. Offsets count octets from the start of the message file: the entity's
 * header starts at {@code headerOffset}, its body at {@code bodyOffset} and ends before
 * {@code endOffset}; the IMAP body size is {@code endOffset - bodyOffset}.
 *
 * @param type        lower case, e.g. "text"; "text" and "plain" when the header has none
 * @param parameters  Content-Type parameters in order, names lower case, values decoded (RFC 2231)
 * @param lines       lines of the body, for text/* and message/rfc822 (else 0)
 * @param disposition null when there is no Content-Disposition
 * @param language    Content-Language tags, empty when none
 * @param parts       the children of a multipart, else empty
 * @param envelope    for message/rfc822: the enclosed message's envelope, else null
 * @param message     for message/rfc822: the enclosed message's body, else null
 */
public record BodyPart(String type, String subtype, List<Parameter> parameters, String id, String description,
        String encoding, long headerOffset, long bodyOffset, long endOffset, long lines, String md5,
        Disposition disposition, List<String> language, String location, List<BodyPart> parts, Envelope envelope,
        BodyPart message) {
    public BodyPart {
        parameters = List.copyOf(parameters);
        language = List.copyOf(language);
        parts = List.copyOf(parts);
    }

    public long size() {
        return endOffset - bodyOffset;
    }

    public boolean multipart() {
        return type.equals("multipart");
    }

    /** A name and value of a Content-Type or Content-Disposition. */
    public record Parameter(String name, String value) {
    }

    /** A Content-Disposition: its type (lower case) and parameters. */
    public record Disposition(String type, List<Parameter> parameters) {
        public Disposition {
            parameters = List.copyOf(parameters);
        }
    }
}
