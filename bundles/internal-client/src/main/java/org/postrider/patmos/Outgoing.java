package org.postrider.patmos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.internal.proto.Begin;
import org.postrider.mapi.MimeWriter;
import org.postrider.mapi.PropEncoder;
import org.postrider.mapi.PropFormatException;
import org.postrider.mapi.PropLimits;

/**
 * One message to submit: RFC 5322 text and its envelope, or a typed property set whose
 * recipient rows are the envelope. Its transfer id identifies it to the server: send the same
 * message again with the same id (after a lost connection) and it is not queued twice.
 */
public final class Outgoing {
    private final String transferId;
    private final String sender;
    private final List<String> recipients;
    private final Blob mime;
    private final PropMessage typed;

    private Outgoing(String transferId, String sender, List<String> recipients, Blob mime, PropMessage typed) {
        if (!Begin.validTransferId(transferId)) {
            throw new IllegalArgumentException("a transfer id is 1 to 160 of [A-Za-z0-9._/:-]");
        }
        if (recipients.isEmpty() || recipients.size() > Begin.MAX_RECIPIENTS) {
            throw new IllegalArgumentException("1 to " + Begin.MAX_RECIPIENTS + " recipients");
        }
        this.transferId = transferId;
        this.sender = sender;
        this.recipients = List.copyOf(recipients);
        this.mime = mime;
        this.typed = typed;
    }

    private static String freshId() {
        return "patmos." + UUID.randomUUID();
    }

    /** RFC 5322 text (CRLF line ends) for these envelope recipients. */
    public static Outgoing mime(String sender, List<String> recipients, Blob content) {
        return new Outgoing(freshId(), sender, recipients, Objects.requireNonNull(content), null);
    }

    /** A typed message: the server writes it as MIME; its To, Cc and Bcc rows are the envelope. */
    public static Outgoing typed(String sender, PropMessage message) {
        return new Outgoing(freshId(), sender, MimeWriter.envelopeRecipients(message), null,
                Objects.requireNonNull(message));
    }

    /** The same message under a transfer id of the caller's (its own outbox id), stable across retries. */
    public Outgoing withTransferId(String id) {
        return new Outgoing(id, sender, recipients, mime, typed);
    }

    /** The start of every transfer id {@link #withContentTransferId} derives. */
    public static final String DERIVED_PREFIX = "patmos.c.";

    /** How much of a MIME message's start is searched for its Message-ID header at most. */
    static final int HEADER_SCAN = 256 * 1024;

    /**
     * Whether the message carries its own Message-ID (a MIME message's header, or a typed set's
     * internet message id): only then is it one message however often it is sent, and a
     * transfer id derived from it ({@link #withContentTransferId}) is safe. Without one, the same
     * octets sent again (a daily "backup failed" notice) are a new message each time.
     * Reads the header block of a MIME message, up to {@value #HEADER_SCAN} octets.
     */
    public boolean carriesMessageId() throws IOException {
        if (typed != null) {
            return typed.properties().text(org.postrider.api.props.PropTags.INTERNET_MESSAGE_ID)
                    .filter(v -> !v.isBlank()).isPresent();
        }
        byte[] head;
        try (InputStream in = mime.open()) {
            head = in.readNBytes((int) Math.min(HEADER_SCAN, mime.size()));
        }
        byte[] name = "message-id:".getBytes(StandardCharsets.US_ASCII);
        int line = 0;
        while (line < head.length) {
            int end = line;
            while (end < head.length && head[end] != '\n') {
                end++;
            }
            int len = end - line;
            if (len > 0 && head[line + len - 1] == '\r') {
                len--;
            }
            if (len == 0) {
                return false; // the end of the header block
            }
            if (len >= name.length && new String(head, line, name.length, StandardCharsets.US_ASCII)
                    .equalsIgnoreCase("message-id:")) {
                return true;
            }
            line = end + 1;
        }
        return false;
    }

    /**
     * The same message under a transfer id derived from what it is: its sender, its envelope
     * recipients and its octets (the RFC 5322 text, or the encoded property set and its
     * streams), read once here. Submitting the same message again, from another run of the
     * same program after a failure, is then recognised by the server and not queued twice;
     * a message meant to be sent again as a new one needs an id of its own. For a message
     * that {@link #carriesMessageId carries its own Message-ID} only: the server remembers
     * transfer ids for days, and the same octets without one may well be a new message.
     */
    public Outgoing withContentTransferId() throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        field(d, typed != null ? "typed" : "mime");
        field(d, sender == null ? "" : sender);
        for (String r : recipients) {
            field(d, r);
        }
        List<Blob> content;
        if (typed != null) {
            PropEncoder.Encoded enc;
            try {
                enc = PropEncoder.encode(typed, PropLimits.DEFAULTS);
            } catch (PropFormatException e) {
                throw new IllegalArgumentException("the message's properties cannot be sent: " + e.getMessage(), e);
            }
            field(d, enc.octets());
            content = enc.streams();
        } else {
            content = List.of(mime);
        }
        byte[] buf = new byte[64 * 1024];
        for (Blob b : content) {
            d.update(java.nio.ByteBuffer.allocate(8).putLong(b.size()).array());
            try (InputStream in = b.open()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
        }
        return withTransferId(DERIVED_PREFIX + HexFormat.of().formatHex(d.digest(), 0, 20));
    }

    private static void field(MessageDigest d, String s) {
        field(d, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Length first: no two different field lists hash alike. */
    private static void field(MessageDigest d, byte[] b) {
        d.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
        d.update(b);
    }

    public String transferId() {
        return transferId;
    }

    public String sender() {
        return sender;
    }

    public List<String> recipients() {
        return recipients;
    }

    Blob mime() {
        return mime;
    }

    PropMessage typed() {
        return typed;
    }
}
