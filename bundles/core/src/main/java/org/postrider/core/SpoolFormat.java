package org.postrider.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
import org.postrider.api.message.TypedProperties;
import org.postrider.kit.text.PercentCodec;

/**
 * The header of a spool file: a version line, the envelope one field a line, an empty
 * line; the message follows. Every field value is {@link PercentCodec}-escaped (addresses
 * too: a quoted local part may hold spaces), so a value never splits a line or a field, and
 * every address is parsed again on reading, so a spool file cannot smuggle anything into a
 * session. Version 1 files (addresses unescaped) are still read.
 * <pre>
 * POSTRIDER-SPOOL 2
 * sender %22john%20doe%22%40example%2Enet   ("-" for the null sender)
 * body EIGHT_BIT_MIME
 * smtputf8 false
 * size -1
 * ret -                                     (FULL, HEADERS or -)
 * envid -
 * origin ESMTPSA helo client user 2024-11-23T09:40:00.123456Z
 * orgserver athena                         (only when a server of the organisation handed it over)
 * idkey internal%3Ahermes%3A...             (only with an idempotency key, MailQueue#begin(Envelope, String))
 * props UFJQUwEAAAAM...                     (only with a typed property set: its octets in base64, one line)
 * rcpt bob%40example%2Eorg FAILURE,DELAY rfc822%3Bbob%40example%2Eorg
 * </pre>
 */
final class SpoolFormat {
    static final String MAGIC = "POSTRIDER-SPOOL 2";
    private static final String MAGIC_V1 = "POSTRIDER-SPOOL 1";
    /** The envelope's fields, and room for the property set's line on top. */
    private static final int MAX_HEADER = 4 * 1024 * 1024 + (TypedProperties.MAX_OCTETS + 2) / 3 * 4 + 16;
    /** Absent value: "." is never produced by PercentCodec (it escapes dots), unlike v1's "-". */
    private static final String NONE = ".";

    private SpoolFormat() {
    }

    static byte[] header(Envelope e) {
        return header(e, null);
    }

    /** With the idempotency key the message was submitted under, or null. */
    static byte[] header(Envelope e, String idempotencyKey) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("sender ").append(opt(e.sender() == null ? null : e.sender().toString())).append('\n');
        sb.append("body ").append(e.body()).append('\n');
        sb.append("smtputf8 ").append(e.smtpUtf8()).append('\n');
        sb.append("size ").append(e.declaredSize()).append('\n');
        sb.append("ret ").append(e.dsnReturn() == null ? NONE : e.dsnReturn().name()).append('\n');
        sb.append("envid ").append(opt(e.envelopeId())).append('\n');
        Origin o = e.origin();
        sb.append("origin ").append(opt(o.protocol())).append(' ').append(opt(o.heloName())).append(' ')
                .append(opt(o.clientAddress())).append(' ').append(opt(o.authenticatedUser())).append(' ')
                .append(o.received()).append('\n');
        if (o.orgServer() != null) {
            sb.append("orgserver ").append(opt(o.orgServer())).append('\n');
        }
        if (idempotencyKey != null) {
            sb.append("idkey ").append(opt(idempotencyKey)).append('\n');
        }
        if (e.properties() != null) {
            sb.append("props ").append(Base64.getEncoder().encodeToString(e.properties().octets())).append('\n');
        }
        for (Recipient r : e.recipients()) {
            sb.append("rcpt ").append(opt(r.address().toString())).append(' ')
                    .append(r.notifyOn().isEmpty() ? NONE
                            : String.join(",", r.notifyOn().stream().map(Enum::name).sorted().toList()))
                    .append(' ').append(opt(r.originalRecipient())).append('\n');
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String opt(String s) {
        return s == null ? NONE : PercentCodec.encode(s);
    }

    /** A field of the spool's text files (header and state): the absent marker, or a canonical escape. */
    static String text(String field, String none) throws IOException {
        if (field.equals(none)) {
            return null;
        }
        String d = PercentCodec.decode(field);
        if (d == null) {
            throw new IOException("bad escape in spool file: " + field);
        }
        return d;
    }

    /** The envelope, the header's length in bytes (where the content starts) and the idempotency key or null. */
    record Parsed(Envelope envelope, long contentOffset, String idempotencyKey) {
        Parsed(Envelope envelope, long contentOffset) {
            this(envelope, contentOffset, null);
        }
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
        if (lines.isEmpty() || !(lines.get(0).equals(MAGIC) || lines.get(0).equals(MAGIC_V1))) {
            throw new IOException("not a spool file");
        }
        try {
            Fields f = lines.get(0).equals(MAGIC) ? new Fields(NONE) : new Fields("-");
            String key = null;
            List<String> fields = new ArrayList<>(lines.size());
            for (String l : lines.subList(1, lines.size())) {
                if (l.startsWith("idkey ")) {
                    key = f.text(split(l, 2)[1]);
                } else {
                    fields.add(l);
                }
            }
            return new Parsed(parse(fields, f), offset, key);
        } catch (InvalidAddressException | RuntimeException e) {
            throw new IOException("bad spool header: " + e.getMessage(), e);
        }
    }

    /** How one version writes absent values; addresses are escaped from version 2 on. */
    private record Fields(String none) {
        String text(String field) throws IOException {
            return SpoolFormat.text(field, none);
        }

        MailAddress address(String field) throws IOException, InvalidAddressException {
            if (none.equals("-")) { // version 1: written as is, "<>" for the null sender
                return field.equals("<>") ? null : MailAddress.parse(field);
            }
            String t = text(field);
            return t == null ? null : MailAddress.parse(t);
        }

        Instant time(String field) {
            return none.equals("-") ? Instant.ofEpochMilli(Long.parseLong(field)) : Instant.parse(field);
        }
    }

    private static String[] split(String line, int count) throws IOException {
        String[] f = line.split(" ", -1);
        if (f.length != count) {
            throw new IOException("spool field " + f[0] + " has " + (f.length - 1) + " values, not " + (count - 1));
        }
        return f;
    }

    private static Envelope parse(List<String> lines, Fields v) throws IOException, InvalidAddressException {
        MailAddress sender = null;
        BodyType body = BodyType.SEVEN_BIT;
        boolean utf8 = false;
        long size = -1;
        DsnReturn ret = null;
        String envid = null;
        Origin origin = null;
        String orgServer = null;
        TypedProperties props = null;
        List<Recipient> rcpts = new ArrayList<>();
        for (String l : lines) {
            String name = l.substring(0, Math.max(0, l.indexOf(' ')));
            switch (name) {
                case "sender" -> sender = v.address(split(l, 2)[1]);
                case "body" -> body = BodyType.valueOf(split(l, 2)[1]);
                case "smtputf8" -> utf8 = Boolean.parseBoolean(split(l, 2)[1]);
                case "size" -> size = Long.parseLong(split(l, 2)[1]);
                case "ret" -> {
                    String r = split(l, 2)[1];
                    ret = r.equals(v.none()) ? null : DsnReturn.valueOf(r);
                }
                case "envid" -> envid = v.text(split(l, 2)[1]);
                case "origin" -> {
                    String[] f = split(l, 6);
                    origin = new Origin(v.text(f[1]), v.text(f[2]), v.text(f[3]), v.text(f[4]), v.time(f[5]));
                }
                case "orgserver" -> orgServer = v.text(split(l, 2)[1]);
                // strict base64 (no line breaks, no other octets): an exception on anything else
                case "props" -> props = TypedProperties.of(Base64.getDecoder().decode(split(l, 2)[1]));
                case "rcpt" -> {
                    String[] f = split(l, 4);
                    Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
                    if (!f[2].equals(v.none())) {
                        for (String n : f[2].split(",")) {
                            notify.add(DsnNotify.valueOf(n));
                        }
                    }
                    MailAddress a = v.address(f[1]);
                    if (a == null) {
                        throw new IOException("recipient without an address");
                    }
                    rcpts.add(new Recipient(a, notify, v.text(f[3])));
                }
                default -> throw new IOException("unknown spool field " + l.substring(0, Math.min(l.length(), 40)));
            }
        }
        if (origin == null) {
            throw new IOException("spool header without origin");
        }
        if (orgServer != null) {
            origin = new Origin(origin.protocol(), origin.heloName(), origin.clientAddress(),
                    origin.authenticatedUser(), origin.received(), orgServer);
        }
        return new Envelope(sender, rcpts, body, utf8, size, ret, envid, origin, props);
    }
}
