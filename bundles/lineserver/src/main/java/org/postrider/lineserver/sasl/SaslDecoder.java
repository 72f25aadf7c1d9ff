package org.postrider.lineserver.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decodes SASL responses, refusing anything malformed: bad base64, invalid UTF-8, NUL or
 * control characters inside fields, empty passwords (an empty password must never reach a
 * directory that would treat it as an anonymous bind), over-long fields. Free of I/O.
 */
public final class SaslDecoder {
    /** Bounds one decoded response (RFC 4616: 255 octets per field is ample). */
    public static final int MAX_RESPONSE = 4096;

    private SaslDecoder() {
    }

    /** The malformed-response error; its message is safe to send back. */
    public static final class InvalidResponse extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidResponse(String message) {
            super(message);
        }
    }

    /** Base64 text from the wire to bytes; "=" is the empty response. */
    public static byte[] base64(String text) throws InvalidResponse {
        if (text.length() > MAX_RESPONSE * 4 / 3 + 4) {
            throw new InvalidResponse("response too long");
        }
        if (text.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidResponse("invalid base64");
        }
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd. */
    public static Credentials plain(byte[] response) throws InvalidResponse {
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (first < 0 || second < 0 || indexOf(response, second + 1) >= 0) {
            throw new InvalidResponse("malformed PLAIN response");
        }
        String authz = utf8(response, 0, first);
        String login = utf8(response, first + 1, second);
        String password = utf8(response, second + 1, response.length);
        if (login.isEmpty() || password.isEmpty()) {
            throw new InvalidResponse("empty login or password");
        }
        return new Credentials(authz, login, password.toCharArray());
    }

    /** One field of the LOGIN mechanism (the user name, then the password). */
    public static String loginField(byte[] response) throws InvalidResponse {
        if (indexOf(response, 0) >= 0) {
            throw new InvalidResponse("NUL in LOGIN response");
        }
        String s = utf8(response, 0, response.length);
        if (s.isEmpty()) {
            throw new InvalidResponse("empty LOGIN response");
        }
        return s;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] b, int from, int to) throws InvalidResponse {
        return utf8(b, from, to, 1024);
    }

    /** Strict UTF-8 without control characters, at most {@code max} bytes. */
    static String utf8(byte[] b, int from, int to, int max) throws InvalidResponse {
        if (to - from > max) {
            throw new InvalidResponse("field too long");
        }
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, to - from));
            String s = cb.toString();
            if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new InvalidResponse("control character in response");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new InvalidResponse("invalid UTF-8 in response");
        }
    }
}
