package org.postrider.internal.proto;

/** AUTH (client → server): the method and its data (section 4). */
public record Auth(int method, byte[] data) {
    public static final int MAX_DATA = 2048;

    public Frame encode() {
        return new PayloadWriter().u8(method).bytes(data).frame(FrameType.AUTH);
    }

    public static Auth decode(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        int m = r.u8("method");
        byte[] d = r.bytes(MAX_DATA, "auth data");
        r.end("AUTH");
        if (m != Hello.AUTH_TLS && m != Hello.AUTH_HMAC && m != Hello.AUTH_PLAIN) {
            throw new ProtocolException(ErrorCode.AUTH_FAILED, "unknown authentication method " + m);
        }
        return new Auth(m, d);
    }

    /** AUTH_OK with the server's proof (empty unless HMAC). */
    public static Frame ok(byte[] proof) {
        return new PayloadWriter().bytes(proof).frame(FrameType.AUTH_OK);
    }

    public static byte[] decodeOk(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        byte[] p = r.bytes(MAX_DATA, "proof");
        r.end("AUTH_OK");
        return p;
    }
}
