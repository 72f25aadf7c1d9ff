package org.postrider.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.kit.text.PercentCodec;

/**
 * The header of a spool file: a version line, the envelope one field a line, an empty
 * line; the message follows. Free text is {@link PercentCodec}-escaped and every address
 * is parsed again on reading, so a spool file cannot smuggle anything into a session.
 * <pre>
 * POSTRIDER-SPOOL 1
 * sender alice@example.org            ("&lt;&gt;" for the null sender)
 * body EIGHT_BIT_MIME
 * smtputf8 false
 * size -1
 * ret -                                (FULL, HEADERS or -)
 * envid -
 * origin ESMTPSA helo client user 1732350000000
 * rcpt bob@example.org FAILURE,DELAY rfc822%3Bbob%40example.org
 * </pre>
 */
final class SpoolFormat {
    static final String MAGIC = "POSTRIDER-SPOOL 1";
    private static final int MAX_HEADER = 4 * 1024 * 1024;

    private SpoolFormat() {
    }

    static byte[] header(Envelope e) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("sender ").append(e.sender() == null ? "<>" : e.sender().toString()).append('\n');
        sb.append("body ").append(e.body()).append('\n');
        sb.append("smtputf8 ").append(e.smtpUtf8()).append('\n');
        sb.append("size ").append(e.declaredSize()).append('\n');
        sb.append("ret ").append(e.dsnReturn() == null ? "-" : e.dsnReturn().name()).append('\n');
        sb.append("envid ").append(opt(e.envelopeId())).append('\n');
        Origin o = e.origin();
        sb.append("origin ").append(opt(o.protocol())).append(' ').append(opt(o.heloName())).append(' ')
                .append(opt(o.clientAddress())).append(' ').append(opt(o.authenticatedUser())).append(' ')
                .append(o.received().toEpochMilli()).append('\n');
        for (Recipient r : e.recipients()) {
            sb.append("rcpt ").append(r.address()).append(' ')
                    .append(r.notifyOn().isEmpty() ? "-" : String.join(",", r.notifyOn().stream().map(Enum::name).sorted()
                            .toList()))
                    .append(' ').append(opt(r.originalRecipient())).append('\n');
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String opt(String s) {
        return s == null ? "-" : PercentCodec.encode(s);
    }

    private static String unopt(String s) throws IOException {
        if (s.equals("-")) {
            return null;
        }
        String d = PercentCodec.decode(s);
        if (d == null) {
            throw new IOException("bad escape in spool header: " + s);
        }
        return d;
    }

    /** The envelope and the header's length in bytes, where the content starts. */
    record Parsed(Envelope envelope, long contentOffset) {
    }

    static Parsed read(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        List<String> lines = new ArrayList<>();
        long offset = 0;
        int b;
        while ((b = in.read()) >= 0) {
            offset++;
            if (offset > MAX_HEADER) {
                throw new IOException("spool header too large");
            }
            if (b == '\n') {
                if (line.isEmpty()) {
                    break;
                }
                lines.add(new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        if (b < 0) {
            throw new IOException("truncated spool file");
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new IOException("not a spool file");
        }
        try {
            return new Parsed(parse(lines), offset);
        } catch (InvalidAddressException | RuntimeException e) {
            throw new IOException("bad spool header: " + e.getMessage(), e);
        }
    }

    private static Envelope parse(List<String> lines) throws IOException, InvalidAddressException {
        MailAddress sender = null;
        BodyType body = BodyType.SEVEN_BIT;
        boolean utf8 = false;
        long size = -1;
        DsnReturn ret = null;
        String envid = null;
        Origin origin = null;
        List<Recipient> rcpts = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(" ");
            switch (f[0]) {
                case "sender" -> sender = f[1].equals("<>") ? null : MailAddress.parse(f[1]);
                case "body" -> body = BodyType.valueOf(f[1]);
                case "smtputf8" -> utf8 = Boolean.parseBoolean(f[1]);
                case "size" -> size = Long.parseLong(f[1]);
                case "ret" -> ret = f[1].equals("-") ? null : DsnReturn.valueOf(f[1]);
                case "envid" -> envid = unopt(f[1]);
                case "origin" -> origin = new Origin(unopt(f[1]), unopt(f[2]), unopt(f[3]), unopt(f[4]),
                        Instant.ofEpochMilli(Long.parseLong(f[5])));
                case "rcpt" -> {
                    Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
                    if (!f[2].equals("-")) {
                        for (String n : f[2].split(",")) {
                            notify.add(DsnNotify.valueOf(n));
                        }
                    }
                    rcpts.add(new Recipient(MailAddress.parse(f[1]), notify, unopt(f[3])));
                }
                default -> throw new IOException("unknown spool field " + f[0]);
            }
        }
        if (origin == null) {
            throw new IOException("spool header without origin");
        }
        return new Envelope(sender, rcpts, body, utf8, size, ret, envid, origin);
    }
}
