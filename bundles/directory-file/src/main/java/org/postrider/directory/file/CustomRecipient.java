package org.postrider.directory.file;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A custom recipient, as Exchange had: a name of ours whose mail goes to an address on a
 * foreign system, written {@code TYPE:address} (for example
 * {@code X400:c=us;a= ;p=Example;s=Smith}); a gateway whose address space has that type
 * and matches the address takes it. In the directory file the address is escaped so that it
 * is one space-free field: {@code %}, space and every octet outside printable ASCII as
 * {@code %XX} (UTF-8), the rest as it is, so X.400 and X.500 forms stay readable.
 */
record CustomRecipient(String type, String address) {
    static final int MAX_TYPE = 16;
    static final int MAX_ADDRESS = 1024;

    CustomRecipient {
        if (type == null || !type.matches("[A-Za-z0-9-]{1," + MAX_TYPE + "}")) {
            throw new IllegalArgumentException("an address type is 1-" + MAX_TYPE + " letters, digits or '-'");
        }
        type = type.toUpperCase(Locale.ROOT);
        if ("SMTP".equals(type)) {
            throw new IllegalArgumentException("an SMTP target is an alias, not a custom recipient");
        }
        if (address == null || address.isBlank() || address.length() > MAX_ADDRESS) {
            throw new IllegalArgumentException("a foreign address is 1-" + MAX_ADDRESS + " characters");
        }
        if (address.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("a foreign address has no control characters");
        }
    }

    /** {@code TYPE:address}, as typed in {@code dir:custom-add} (the address may hold spaces). */
    static CustomRecipient parse(String typed) {
        int colon = typed.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a custom recipient's target is TYPE:address, e.g. X400:c=us;p=Example;s=Smith");
        }
        return new CustomRecipient(typed.substring(0, colon), typed.substring(colon + 1));
    }

    /** The one-field form of the directory file. */
    String field() {
        StringBuilder sb = new StringBuilder(type).append(':');
        for (byte b : address.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /** Reverses {@link #field}; only its canonical form is taken, so one target has one spelling. */
    static CustomRecipient ofField(String field) {
        int colon = field.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a custom recipient's target is TYPE:address");
        }
        String enc = field.substring(colon + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(enc.length());
        for (int i = 0; i < enc.length(); i++) {
            char c = enc.charAt(i);
            if (c == '%') {
                int hi = i + 2 < enc.length() ? hex(enc.charAt(i + 1)) : -1;
                int lo = hi >= 0 ? hex(enc.charAt(i + 2)) : -1;
                int v = hi * 16 + lo;
                if (lo < 0 || (v > 0x20 && v < 0x7f && v != '%')) {
                    throw new IllegalArgumentException("bad escape in a custom recipient's address");
                }
                out.write(v);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("unescaped character in a custom recipient's address");
            }
        }
        try {
            String address = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
            return new CustomRecipient(field.substring(0, colon), address);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a custom recipient's address is not UTF-8");
        }
    }

    /** Upper-case hex digits only: the canonical form. */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    @Override
    public String toString() {
        return type + ":" + address;
    }
}
