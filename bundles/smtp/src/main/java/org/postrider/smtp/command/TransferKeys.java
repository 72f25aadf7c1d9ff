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
 * administrator listed ({@code transferIdClients}, the Postrider servers that send to us). The
 * client's address is in the key, but clients behind one address (a NAT) could claim each
 * other's ids, read in a Received: field, and have a later copy dropped as a "copy" of theirs;
 * and each id is remembered for days, which only known peers should cost us.
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

    /**
     * Whether this session may use XTRANSFERID: authenticated, or offered it in the EHLO reply
     * (a listed address then), so a list changed meanwhile does not refuse what was offered.
     */
    static boolean accepted(SmtpSession s) {
        return s.authenticatedUser() != null || s.transferIdOffered();
    }

    /** Whether the client's address is in {@code transferIdClients}. */
    static boolean listed(SmtpSession s) {
        return listed(s.service().config().transferIdClients(), s.connection().remote().getAddress());
    }

    /**
     * Whether {@code client} is one of the comma-separated IP literals: a dotted quad, or an
     * IPv6 literal (with a colon) without a scope; anything else matches nothing, and never
     * leads to a name lookup (InetAddress.getByName looks up what is not a literal).
     */
    static boolean listed(String list, InetAddress client) {
        for (String a : list.split(",")) {
            String literal = a.strip();
            boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                    && java.util.Arrays.stream(literal.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
            boolean v6 = literal.contains(":") && literal.matches("[0-9A-Fa-f:.]+");
            if (v4 || v6) {
                try {
                    if (InetAddress.getByName(literal).equals(client)) {
                        return true;
                    }
                } catch (IOException e) {
                    // a malformed IPv6 literal: matches nothing
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
