package org.postrider.internal.proto;

/** The small frames: END, ABORT, PING, PONG, BYE, ERROR. */
public final class Frames {
    private Frames() {
    }

    public static Frame end(long total) {
        return new PayloadWriter().i64(total).frame(FrameType.END);
    }

    public static long decodeEnd(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        long total = r.i64("total");
        r.end("END");
        if (total < 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "negative END total");
        }
        return total;
    }

    public static Frame empty(int type) {
        return new Frame(type, new byte[0]);
    }

    public static void requireEmpty(Frame f) throws ProtocolException {
        if (f.payload().length != 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL, FrameType.name(f.type()) + " carries no payload");
        }
    }

    public static Frame ping(int type, long token) {
        return new PayloadWriter().i64(token).frame(type);
    }

    public static long decodePing(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        long t = r.i64("token");
        r.end(FrameType.name(f.type()));
        return t;
    }

    public static Frame error(ErrorCode code, String text) {
        String t = text.length() > 1000 ? text.substring(0, 1000) : text;
        return new PayloadWriter().u16(code.code).str(t).frame(FrameType.ERROR);
    }

    /** The peer's ERROR as an exception to end the connection with. */
    public static ProtocolException decodeError(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        int code = r.u16("code");
        String text = r.str(Begin.MAX_FIELD, "text");
        r.end("ERROR");
        return new ProtocolException(ErrorCode.of(code), "peer: " + text);
    }

    /** Decodes any frame's payload by its type, for the fuzz target and checks: throws if malformed. */
    public static Object decode(Frame f, int maxProperties) throws ProtocolException {
        return switch (f.type()) {
            case FrameType.HELLO -> Hello.decode(f);
            case FrameType.AUTH -> Auth.decode(f);
            case FrameType.AUTH_OK -> Auth.decodeOk(f);
            case FrameType.BEGIN -> Begin.decode(f, maxProperties);
            case FrameType.DATA -> f.payload();
            case FrameType.END -> decodeEnd(f);
            case FrameType.ABORT, FrameType.BYE -> {
                requireEmpty(f);
                yield f.type();
            }
            case FrameType.ACK -> Ack.decode(f);
            case FrameType.NACK -> Nack.decode(f);
            case FrameType.PING, FrameType.PONG -> decodePing(f);
            case FrameType.ERROR -> decodeError(f);
            case FrameType.TRACK -> Track.Request.decode(f);
            case FrameType.TRACK_RESULT -> Track.decodeResult(f);
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_FRAME, "unknown frame " + f.type());
        };
    }
}
