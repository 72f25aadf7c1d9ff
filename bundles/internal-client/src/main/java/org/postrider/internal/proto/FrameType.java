package org.postrider.internal.proto;

/** The frame types of version 1 (docs/internal-protocol.md, section 3). */
public final class FrameType {
    public static final int HELLO = 0x01;
    public static final int AUTH = 0x02;
    public static final int AUTH_OK = 0x03;
    public static final int BEGIN = 0x10;
    public static final int DATA = 0x11;
    public static final int END = 0x12;
    public static final int ABORT = 0x13;
    public static final int ACK = 0x20;
    public static final int NACK = 0x21;
    public static final int PING = 0x30;
    public static final int PONG = 0x31;
    public static final int TRACK = 0x40;
    public static final int TRACK_RESULT = 0x41;
    public static final int BYE = 0x3F;
    public static final int ERROR = 0x7F;

    private FrameType() {
    }

    public static boolean known(int type) {
        return switch (type) {
            case HELLO, AUTH, AUTH_OK, BEGIN, DATA, END, ABORT, ACK, NACK, PING, PONG, TRACK, TRACK_RESULT, BYE, ERROR -> true;
            default -> false;
        };
    }

    public static String name(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case AUTH -> "AUTH";
            case AUTH_OK -> "AUTH_OK";
            case BEGIN -> "BEGIN";
            case DATA -> "DATA";
            case END -> "END";
            case ABORT -> "ABORT";
            case ACK -> "ACK";
            case NACK -> "NACK";
            case PING -> "PING";
            case PONG -> "PONG";
            case TRACK -> "TRACK";
            case TRACK_RESULT -> "TRACK_RESULT";
            case BYE -> "BYE";
            case ERROR -> "ERROR";
            default -> String.format("0x%02x", type);
        };
    }
}
