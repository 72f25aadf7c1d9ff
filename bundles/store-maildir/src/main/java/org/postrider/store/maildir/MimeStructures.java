package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;
import org.postrider.store.maildir.mime.Bounds;
import org.postrider.store.maildir.mime.HeaderSearch;
import org.postrider.store.maildir.mime.StructureCodec;
import org.postrider.store.maildir.mime.StructureParser;
import org.postrider.store.maildir.mime.TextSearch;

/** Structures from the mime package: a bounded, linear parser, a cache codec, streaming text search. */
final class MimeStructures implements Structures {
    private final Bounds bounds;

    MimeStructures(Bounds bounds) {
        this.bounds = bounds;
    }

    @Override
    public MessageStructure parse(InputStream message) throws IOException {
        return StructureParser.parse(message, bounds);
    }

    @Override
    public byte[] encode(MessageStructure s) {
        return StructureCodec.encode(s);
    }

    @Override
    public MessageStructure decode(byte[] data) throws IOException {
        return StructureCodec.decode(data);
    }

    @Override
    public MessageStructure decode(byte[] data, int off, int len) throws IOException {
        return StructureCodec.decode(data, off, len);
    }

    @Override
    public Dates dates(byte[] data, int off, int len) throws IOException {
        StructureCodec.Dates d = StructureCodec.dates(data, off, len);
        return new Dates(d.envelopeDate(), d.sentDate());
    }

    @Override
    public BodyPart body(byte[] data, int off, int len) throws IOException {
        return StructureCodec.body(data, off, len);
    }

    @Override
    public boolean bodyMatches(MessageContent message, BodyPart body, String text) throws IOException {
        return TextSearch.body(message, body, text);
    }

    @Override
    public EncodedMatcher headerMatcher(SearchKey.Header key) {
        return new HeaderSearch(key.field(), key.text())::matches;
    }

    @Override
    public boolean headerMatches(MessageStructure s, SearchKey.Header key) {
        return TextSearch.header(s, key.field(), key.text());
    }

    @Override
    public boolean textMatches(MessageContent message, MessageStructure s, String text, boolean withHeader)
            throws IOException {
        return withHeader ? TextSearch.text(message, s, text) : TextSearch.body(message, s, text);
    }
}
