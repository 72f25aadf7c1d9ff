package org.postrider.internal.proto;

import java.util.Arrays;

/**
 * The HELLO frame (section 3.1): versions, role, name, limits, auth methods, nonce.
 *
 * @param minVersion  lowest version offered (the server: the chosen one)
 * @param maxVersion  highest version offered (the server: the chosen one)
 * @param role        {@link #ROLE_SERVER_LINK} or {@link #ROLE_CLIENT}
 * @param name        the sender's server name (or a client's label)
 * @param maxFrame    largest frame this side accepts
 * @param maxMessage  largest message content this side accepts
 * @param window      messages in flight the server allows (0 from a client)
 * @param authMethods bit set of {@link #AUTH_TLS}, {@link #AUTH_HMAC}, {@link #AUTH_PLAIN}
 * @param nonce       32 fresh random octets
 */
public record Hello(int minVersion, int maxVersion, int role, String name, int maxFrame, long maxMessage,
        int window, int authMethods, byte[] nonce) {
    public static final byte[] MAGIC = {'P', 'R', 'I', 'N'};
    public static final int VERSION = 1;
    public static final int ROLE_SERVER_LINK = 1;
    public static final int ROLE_CLIENT = 2;
    public static final int AUTH_TLS = 1;
    public static final int AUTH_HMAC = 2;
    public static final int AUTH_PLAIN = 4;
    public static final int NONCE = 32;
    /** Longest name in a HELLO. */
    public static final int MAX_NAME = 255;

    public Frame encode() {
        return new PayloadWriter().fixed(MAGIC).u8(minVersion).u8(maxVersion).u8(role).str(name).u32(maxFrame)
                .i64(maxMessage).u16(window).u8(authMethods).fixed(nonce).frame(FrameType.HELLO);
    }

    public static Hello decode(Frame f) throws ProtocolException {
        if (f.type() != FrameType.HELLO) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "expected HELLO, got " + FrameType.name(f.type()));
        }
        PayloadReader r = new PayloadReader(f.payload());
        if (!Arrays.equals(r.fixed(4, "magic"), MAGIC)) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "not the Postrider internal protocol (bad magic)");
        }
        int min = r.u8("minVersion");
        int max = r.u8("maxVersion");
        int role = r.u8("role");
        String name = r.str(MAX_NAME, "name");
        long maxFrame = r.u32("maxFrame");
        long maxMessage = r.i64("maxMessage");
        int window = r.u16("window");
        int auth = r.u8("authMethods");
        byte[] nonce = r.fixed(NONCE, "nonce");
        r.end("HELLO");
        if (min > max || min == 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "bad version range " + min + "-" + max);
        }
        if (role != ROLE_SERVER_LINK && role != ROLE_CLIENT) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "unknown role " + role);
        }
        if (maxFrame < Frame.HELLO_MAX || maxFrame > Frame.MAX_FRAME_LIMIT || maxMessage < 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "limits out of range");
        }
        return new Hello(min, max, role, name, (int) maxFrame, maxMessage, window, auth, nonce);
    }
}
