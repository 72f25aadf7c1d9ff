package org.postrider.internal.wire;

import java.io.IOException;
import java.security.SecureRandom;
import org.postrider.internal.proto.Auth;
import org.postrider.internal.proto.ErrorCode;
import org.postrider.internal.proto.Frame;
import org.postrider.internal.proto.FrameType;
import org.postrider.internal.proto.Frames;
import org.postrider.internal.proto.Hello;
import org.postrider.internal.proto.ProtocolException;

/**
 * The client side of the handshake (spec sections 3.1, 3.2), shared by server links and
 * client submission: HELLO out, the server's HELLO in (version checked), then AUTH and its
 * AUTH_OK. What the AUTH carries and what the proof must be is the caller's.
 */
public final class ClientHandshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientHandshake() {
    }

    /** Both HELLOs: this side's nonce and the server's HELLO. */
    public record Greeting(byte[] nonce, Hello server) {
    }

    /**
     * Sends this side's HELLO and reads the server's; afterwards frames up to {@code maxFrame}
     * are taken from the server.
     */
    public static Greeting hello(FrameChannel ch, int role, String name, int maxFrame, int authMethods)
            throws IOException {
        byte[] nonce = new byte[Hello.NONCE];
        RANDOM.nextBytes(nonce);
        ch.send(new Hello(Hello.VERSION, Hello.VERSION, role, name, maxFrame, 0, 0, authMethods, nonce).encode());
        Hello hello = Hello.decode(ch.next());
        if (hello.minVersion() != Hello.VERSION) {
            throw new ProtocolException(ErrorCode.VERSION, "the server chose version " + hello.minVersion());
        }
        if (hello.role() != role) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "the server answered for role " + hello.role());
        }
        ch.maxFrame(maxFrame);
        return new Greeting(nonce, hello);
    }

    /** Sends AUTH and returns the AUTH_OK's proof (empty unless HMAC). */
    public static byte[] authenticate(FrameChannel ch, Auth auth) throws IOException {
        ch.send(auth.encode());
        Frame ok = ch.next();
        if (ok.type() != FrameType.AUTH_OK) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "expected AUTH_OK, got " + FrameType.name(ok.type()));
        }
        return Auth.decodeOk(ok);
    }

    /** Sends an ERROR before giving up (best effort: the connection ends anyway). */
    public static void refuse(FrameChannel ch, ErrorCode code, String text) {
        try {
            ch.send(Frames.error(code, text));
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
