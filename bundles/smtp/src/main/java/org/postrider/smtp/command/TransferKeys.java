package org.postrider.smtp.command;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.postrider.api.queue.Delivery;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.SmtpParser;

/**
 * XTRANSFERID, our SMTP extension for exactly once between Postrider servers: a sender
 * that offers its stable id of a transfer lets us recognise the copy it sends again after a
 * crash lost our "250" on its side (RFC 1047's window), and answer 250 with the first copy's
 * queue id instead of queueing it twice.
 * <p>
 * Only for clients we trust with it: an authenticated session, or an address the
 * administrator listed ({@code transferIdClients}, the Postrider servers that send to us). Anyone
 * else could claim an id they read in a Received: field and have a later copy of that message
 * dropped as a "copy" of theirs; and each id is remembered for days.
 * <p>
 * The queue's key is ours, not the sender's text alone: the client's address and login, the
 * sender and the recipients accepted in this transaction are in it, so a retry whose
 * recipients differ (one refused the first time, accepted now) is a new copy, never
 * swallowed by the old one: at worst a duplicate, never a loss. It is a digest, of one length
 * whatever the parts (an IPv6 scope may be any interface name).
 */
public final class TransferKeys {
    public static final String KEYWORD = "XTRANSFERID";
    /** Longest id taken. */
    static final int MAX_ID = 100;
    /** How much of the content the sender's id covers: the trace fields that tell two copies of one message apart. */
    private static final int CONTENT_PREFIX = 1024;

    private TransferKeys() {
    }

    /** Whether this session may use XTRANSFERID: authenticated, or from a listed address. */
    static boolean offered(SmtpSession s) {
        if (s.authenticatedUser() != null) {
            return true;
        }
        String listed = s.service().config().transferIdClients();
        if (listed.isBlank()) {
            return false;
        }
        InetAddress client = s.connection().remote().getAddress();
        for (String a : listed.split(",")) {
            String literal = a.strip();
            // IP literals only: never a name lookup here
            if (!literal.isEmpty() && literal.matches("[0-9A-Fa-f:.]+")) {
                try {
                    if (InetAddress.getByName(literal).equals(client)) {
                        return true;
                    }
                } catch (IOException e) {
                    // not an address: matches nothing
                }
            }
        }
        return false;
    }

    /** The id a MAIL parameter gives, after xtext decoding; refused unless 1-100 printable ASCII without space. */
    static String id(String decoded) throws SmtpParser.Invalid {
        if (decoded.isEmpty() || decoded.length() > MAX_ID || !decoded.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new SmtpParser.Invalid(501, "5.5.4", "bad " + KEYWORD);
        }
        return decoded;
    }

    /** The queue's idempotency key of this transaction. */
    static String key(SmtpSession s, Transaction t) {
        return key(s.connection().remote().getAddress().getHostAddress(), s.authenticatedUser(), t);
    }

    static String key(String clientAddress, String login, Transaction t) {
        StringBuilder parts = new StringBuilder();
        parts.append(clientAddress).append('\0').append(login == null ? "" : login).append('\0')
                .append(t.transferId).append('\0').append(t.sender == null ? "" : t.sender.toString());
        t.recipients.stream().map(r -> r.address().toString()).sorted().forEach(a -> parts.append('\0').append(a));
        return "smtp:" + digest(parts.toString().getBytes(StandardCharsets.UTF_8), 32);
    }

    /**
     * Our id of a transfer, the same on every attempt of it from this server: the queue id, and
     * a digest of the server's name (queue ids of two servers behind one address may be equal)
     * and of the start of the content, whose trace fields tell apart two copies of one message
     * to one peer (members forwarded by two aliases each get their own Delivered-To:).
     */
    public static String outgoing(Delivery d, String serverName) throws IOException {
        byte[] start;
        try (InputStream in = d.content().open()) {
            start = in.readNBytes(CONTENT_PREFIX);
        }
        byte[] name = (serverName + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[name.length + start.length];
        System.arraycopy(name, 0, all, 0, name.length);
        System.arraycopy(start, 0, all, name.length, start.length);
        return d.queueId().value() + "." + digest(all, 8);
    }

    private static String digest(byte[] bytes, int length) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
