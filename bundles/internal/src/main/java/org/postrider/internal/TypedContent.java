package org.postrider.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.TypedProperties;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.mapi.Decoded;
import org.postrider.mapi.MimeWriter;
import org.postrider.mapi.PropDecoder;
import org.postrider.mapi.PropEncoder;
import org.postrider.mapi.PropFormatException;
import org.postrider.mapi.PropLimits;
import org.postrider.mapi.StreamRef;

/**
 * A typed message (BEGIN flag 2, spec section 3.3): its property set, decoded under the
 * mapi limits, and its streams as they arrive, kept in a private file of {@code incoming/}
 * (never in memory) until the message is written to the queue as MIME by the mapi writer.
 * Nothing here is durable: the message is acknowledged only after the queue's commit.
 */
final class TypedContent implements AutoCloseable {
    private final Decoded decoded;
    private final Path spool;
    /** The set as the message is written ({@link #complete}). */
    private Decoded completed;

    private TypedContent(Decoded decoded, Path spool) {
        this.decoded = decoded;
        this.spool = spool;
    }

    /** Why a typed message is refused for good: its enhanced status and text. */
    record Refusal(String status, String text) {
    }

    /** Decodes the set; the streams' file is made in {@code dir}. */
    static TypedContent open(byte[] properties, Path dir) throws PropFormatException, IOException {
        Decoded d = PropDecoder.decode(properties, PropLimits.DEFAULTS);
        Path f = Files.createTempFile(dir, "typed", ".streams",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return new TypedContent(d, f);
    }

    /** Where the streams' octets go, back to back. */
    OutputStream streams() throws IOException {
        return Files.newOutputStream(spool, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The octets the set's stream references stand for together. */
    long streamOctets() {
        return decoded.streams().stream().mapToLong(StreamRef::size).sum();
    }

    /**
     * Completes the set as the message will be written: the sender's address is the
     * envelope's when the set has none; a Message-ID and a Date are given when it has none.
     * Before the message is queued, so the envelope carries the set the MIME was written from.
     *
     * @return null, or why the message is refused for good
     */
    Refusal complete(MailAddress sender, String serverName, boolean mustBeSender) {
        PropMessage m = decoded.message();
        PropertySet p = m.properties();
        Optional<String> from = p.text(PropTags.SENDER_EMAIL_ADDRESS);
        if (from.isPresent() && mustBeSender) {
            try {
                if (sender == null || !MailAddress.parse(from.get()).lookupKey().equals(sender.lookupKey())) {
                    return new Refusal("5.7.1", "the message's sender " + from.get()
                            + " is not the submitting user's address");
                }
            } catch (InvalidAddressException e) {
                return new Refusal("5.1.7", "bad sender address in the properties: " + e.getMessage());
            }
        } else if (from.isEmpty() && sender != null) {
            p = p.with(Property.of(PropTags.SENDER_EMAIL_ADDRESS, sender.toString()));
        }
        if (p.text(PropTags.INTERNET_MESSAGE_ID).isEmpty()) {
            p = p.with(Property.of(PropTags.INTERNET_MESSAGE_ID, "<" + UUID.randomUUID() + "@" + serverName + ">"));
        }
        if (p.get(PropTags.CLIENT_SUBMIT_TIME).isEmpty()) {
            p = p.with(new Property(PropTags.CLIENT_SUBMIT_TIME, new PropValue.Time(Instant.now())));
        }
        completed = new Decoded(new PropMessage(p, m.recipients(), m.attachments()), decoded.streams());
        return null;
    }

    /**
     * The completed set's octets for the envelope (its streams stay references: their octets
     * are the MIME's), or null when they do not fit {@link TypedProperties#MAX_OCTETS} or the
     * codec's limits (the few properties completion adds may pass them): the message goes
     * all the same, as its MIME, without the set.
     */
    TypedProperties forEnvelope() {
        try {
            byte[] octets = PropEncoder.encode(completed.message(), PropLimits.DEFAULTS).octets();
            return octets.length <= TypedProperties.MAX_OCTETS ? TypedProperties.of(octets) : null;
        } catch (PropFormatException e) {
            return null;
        }
    }

    /** Writes the completed message ({@link #complete}) as MIME to {@code out}, its streams from the file. */
    void writeMime(OutputStream out) throws IOException {
        List<Blob> blobs = new ArrayList<>();
        long offset = 0;
        for (StreamRef r : completed.streams()) {
            blobs.add(range(spool, offset, r.size()));
            offset += r.size();
        }
        MimeWriter.write(completed.bind(blobs), out);
    }

    /**
     * A property set a server of the organisation passed along with a MIME message (no TYPED
     * flag): kept with the envelope if it is one the mapi decoder takes and fits, else null.
     */
    static TypedProperties passedOn(byte[] properties) {
        if (properties.length == 0 || properties.length > TypedProperties.MAX_OCTETS) {
            return null;
        }
        try {
            PropDecoder.decode(properties, PropLimits.DEFAULTS);
            return TypedProperties.of(properties);
        } catch (PropFormatException e) {
            return null;
        }
    }

    private static Blob range(Path file, long offset, long size) {
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ch.position(offset);
                return MessageContent.limited(Channels.newInputStream(ch), size);
            }
        };
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(spool);
    }
}
