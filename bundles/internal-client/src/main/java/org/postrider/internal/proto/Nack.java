package org.postrider.internal.proto;

/** NACK: the message was not taken, temporarily or for good. */
public record Nack(String transferId, boolean permanent, String enhancedStatus, String text) {
    public Frame encode() {
        return new PayloadWriter().str(transferId).u8(permanent ? 2 : 1).str(enhancedStatus).str(text)
                .frame(FrameType.NACK);
    }

    public static Nack decode(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        String id = r.str(Begin.MAX_TRANSFER_ID, "transferId");
        int kind = r.u8("kind");
        if (kind != 1 && kind != 2) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "bad NACK kind " + kind);
        }
        Nack n = new Nack(id, kind == 2, r.str(16, "enhancedStatus"), r.str(Begin.MAX_FIELD, "text"));
        r.end("NACK");
        return n;
    }
}
