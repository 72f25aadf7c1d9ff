package org.postrider.smtp.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.SmtpParser;

/**
 * XTRANSFERID, our SMTP extension for exactly once between Postrider servers: a sender
 * that offers its stable id of a transfer (its queue id and server) lets us recognise the copy
 * it sends again after a crash lost our "250" on its side (RFC 1047's window), and answer 250
 * with the first copy's queue id instead of queueing it twice.
 * <p>
 * The queue's key is ours, not the sender's text alone: the client's address and login keep
 * one client from claiming another's ids (it could otherwise have a message of theirs
 * dropped as a "copy"), and the recipients accepted in this transaction are part of it, so a
 * retry whose recipients differ (one refused the first time, accepted now) is a new copy,
 * never swallowed by the old one: at worst a duplicate, never a loss.
 */
public final class TransferKeys {
    public static final String KEYWORD = "XTRANSFERID";
    /** Longest id taken: the queue's keys are at most 255 characters with our prefix. */
    static final int MAX_ID = 100;

    private TransferKeys() {
    }

    /** The id a MAIL parameter gives, after xtext decoding; refused unless 1-100 printable ASCII. */
    static String id(String decoded) throws SmtpParser.Invalid {
        if (decoded.isEmpty() || decoded.length() > MAX_ID || !decoded.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new SmtpParser.Invalid(501, "5.5.4", "bad " + KEYWORD);
        }
        return decoded;
    }

    /** The queue's idempotency key of this transaction. */
    static String key(SmtpSession s, Transaction t) {
        StringBuilder scope = new StringBuilder();
        scope.append(s.authenticatedUser() == null ? "" : s.authenticatedUser()).append('\0')
                .append(t.sender == null ? "" : t.sender.toString());
        t.recipients.stream().map(r -> r.address().toString()).sorted().forEach(a -> scope.append('\0').append(a));
        return "smtp/" + s.connection().remote().getAddress().getHostAddress() + "/" + t.transferId + "/"
                + digest(scope.toString(), 12);
    }

    /**
     * Our id of a transfer, the same on every attempt of one message from this server: the
     * queue id and a digest of the server's name (queue ids of two servers behind one address
     * may be equal).
     */
    public static String outgoing(String queueId, String serverName) {
        return queueId + "." + digest(serverName, 6);
    }

    private static String digest(String text, int bytes) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
