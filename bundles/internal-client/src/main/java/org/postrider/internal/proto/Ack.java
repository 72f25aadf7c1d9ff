package org.postrider.internal.proto;

import java.util.ArrayList;
import java.util.List;

/** ACK (section 3.4): the message is durable in the receiver's queue; one result per recipient. */
public record Ack(String transferId, String queueId, boolean duplicate, List<Result> results) {
    public static final int ACCEPTED = 0;
    public static final int TEMPORARY = 1;
    public static final int PERMANENT = 2;

    /** What became of one recipient at the receiver. */
    public record Result(int status, String enhancedStatus, String text) {
    }

    public Ack {
        results = List.copyOf(results);
    }

    public Frame encode() {
        PayloadWriter w = new PayloadWriter().str(transferId).str(queueId).u8(duplicate ? 1 : 0).u16(results.size());
        for (Result r : results) {
            w.u8(r.status()).str(r.enhancedStatus()).str(r.text());
        }
        return w.frame(FrameType.ACK);
    }

    public static Ack decode(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        String id = r.str(Begin.MAX_TRANSFER_ID, "transferId");
        String q = r.str(64, "queueId");
        int flags = r.u8("flags");
        int n = r.u16("count");
        if (flags > 1 || n > Begin.MAX_RECIPIENTS) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "bad ACK flags or count");
        }
        List<Result> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int s = r.u8("status");
            if (s > PERMANENT) {
                throw new ProtocolException(ErrorCode.PROTOCOL, "bad recipient status " + s);
            }
            results.add(new Result(s, r.str(16, "enhancedStatus"), r.str(Begin.MAX_FIELD, "text")));
        }
        r.end("ACK");
        return new Ack(id, q, flags == 1, results);
    }
}
