package org.postrider.gateway.pickup;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;

/**
 * The envelope lines at the top of a pickup or drop file, as IIS and Exchange wrote them:
 * one {@code x-sender:} line and one {@code x-receiver:} line per recipient, in any order,
 * then the message itself from the first line that is neither. An address may be bare or in
 * angle brackets; the null sender is {@code <>} (or nothing). No I/O: it reads the first
 * octets of a file, bounded by the caller.
 */
final class EnvelopeLines {
    /** The longest envelope line, its line end excluded (RFC 5321's text line). */
    static final int MAX_LINE = 1000;

    private static final String SENDER = "x-sender:";
    private static final String RECEIVER = "x-receiver:";
    /** A drop file's line for a custom recipient's foreign address ({@code TYPE:address}); never read back. */
    private static final String FOREIGN_RECEIVER = "x-foreign-receiver:";

    /** What the envelope lines say, and where the message starts. */
    record Parsed(MailAddress sender, List<MailAddress> recipients, int messageOffset) {
    }

    /** A file that can never be taken as it is: it goes to bad/ with this reason. */
    static final class BadFile extends Exception {
        private static final long serialVersionUID = 1L;

        BadFile(String reason) {
            super(reason);
        }
    }

    private EnvelopeLines() {
    }

    /**
     * The header a drop file starts with: the envelope as {@link #parse} reads it back, and for
     * a custom recipient ({@code foreign} not null) the foreign address the foreign system
     * knows it by, {@code x-foreign-receiver: TYPE:address}, after our address.
     */
    static byte[] format(MailAddress sender, List<MailAddress> recipients, String foreign) {
        if (foreign != null && !isForeignValue(foreign)) {
            throw new IllegalArgumentException("not a foreign address a line can carry");
        }
        StringBuilder sb = new StringBuilder(SENDER).append(" <").append(sender == null ? "" : sender.toString())
                .append(">\r\n");
        for (MailAddress r : recipients) {
            sb.append(RECEIVER).append(" <").append(r).append(">\r\n");
        }
        if (foreign != null) {
            sb.append(FOREIGN_RECEIVER).append(' ').append(foreign).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a foreign address fits on one envelope line: no control characters, not too long. */
    static boolean isForeignValue(String foreign) {
        if (foreign.isEmpty() || foreign.getBytes(StandardCharsets.UTF_8).length > MAX_LINE - FOREIGN_RECEIVER.length()
                - 1) {
            return false;
        }
        return foreign.chars().noneMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f);
    }

    /**
     * Parses the envelope lines among the first {@code length} octets of a file.
     *
     * @param whole         whether those octets are the whole file (else more follows)
     * @param maxRecipients x-receiver lines allowed
     */
    static Parsed parse(byte[] head, int length, boolean whole, int maxRecipients) throws BadFile {
        MailAddress sender = null;
        boolean senderSeen = false;
        List<MailAddress> recipients = new ArrayList<>();
        int pos = 0;
        while (true) {
            int lf = indexOf(head, pos, length, (byte) '\n');
            if (lf < 0 && !whole && length - pos < RECEIVER.length()) {
                throw new BadFile("the envelope lines are longer than the part of the file read for them");
            }
            int end = lf < 0 ? length : lf;
            int textEnd = end > pos && head[end - 1] == '\r' ? end - 1 : end;
            String field = lowerPrefix(head, pos, textEnd);
            boolean isSender = field.startsWith(SENDER);
            boolean isReceiver = field.startsWith(RECEIVER);
            if (!isSender && !isReceiver) {
                break; // the message starts here
            }
            if (textEnd - pos > MAX_LINE) {
                throw new BadFile("an envelope line is longer than " + MAX_LINE + " octets");
            }
            if (lf < 0) {
                throw new BadFile(whole ? "the file ends in its envelope lines: no message"
                        : "the envelope lines are longer than the part of the file read for them");
            }
            String value = value(head, pos + (isSender ? SENDER.length() : RECEIVER.length()), textEnd);
            if (isSender) {
                if (senderSeen) {
                    throw new BadFile("more than one x-sender line");
                }
                senderSeen = true;
                sender = value.isEmpty() ? null : address(value, "x-sender");
            } else {
                if (value.isEmpty()) {
                    throw new BadFile("an empty x-receiver line");
                }
                if (recipients.size() == maxRecipients) {
                    throw new BadFile("more than " + maxRecipients + " x-receiver lines");
                }
                recipients.add(address(value, "x-receiver"));
            }
            pos = lf + 1;
        }
        if (!senderSeen) {
            throw new BadFile("no x-sender line");
        }
        if (recipients.isEmpty()) {
            throw new BadFile("no x-receiver line");
        }
        if (pos >= length && whole) {
            throw new BadFile("no message after the envelope lines");
        }
        return new Parsed(sender, List.copyOf(recipients), pos);
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** The line's first octets in lower case, enough to tell the field; other octets as '?'. */
    private static String lowerPrefix(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(RECEIVER.length());
        for (int i = from; i < to && sb.length() < RECEIVER.length(); i++) {
            int c = b[i] & 0xff;
            sb.append(c < 0x80 ? (char) c : '?');
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** The field's value, strict UTF-8, spaces around and angle brackets removed. */
    private static String value(byte[] b, int from, int to) throws BadFile {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadFile("an envelope line is not UTF-8");
        }
        s = s.strip();
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static MailAddress address(String value, String field) throws BadFile {
        try {
            return MailAddress.parse(value);
        } catch (InvalidAddressException | RuntimeException e) {
            throw new BadFile("not an address in " + field + ": " + printable(value));
        }
    }

    /** For the reason file and the log: no control characters, bounded. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
