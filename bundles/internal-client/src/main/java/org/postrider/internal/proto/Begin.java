package org.postrider.internal.proto;

import java.util.ArrayList;
import java.util.List;

/**
 * BEGIN (section 3.3): a message's transfer id, envelope, original origin and property set.
 * Addresses stay text here; the receiver parses them with the API's strict parser.
 *
 * @param typed the message is its property set: the content that follows is the set's
 *              streams, back to back, and the receiver writes the MIME message (flag bit 1)
 */
public record Begin(String transferId, String sender, boolean smtpUtf8, boolean typed, int body, int ret, String envid,
        long declaredSize, List<Rcpt> recipients, String originProtocol, String originHelo, String originClient,
        String originUser, long originReceived, byte[] properties) {
    public static final int MAX_TRANSFER_ID = 160;
    public static final int MAX_RECIPIENTS = 1000;
    public static final int MAX_ADDRESS = 1024;
    public static final int MAX_FIELD = 1024;

    /** BEGIN flags. */
    public static final int FLAG_SMTPUTF8 = 1;
    public static final int FLAG_TYPED = 2;

    public static final int NOTIFY_SUCCESS = 1;
    public static final int NOTIFY_FAILURE = 2;
    public static final int NOTIFY_DELAY = 4;
    public static final int NOTIFY_NEVER = 8;

    /** One recipient: address, NOTIFY bits, ORCPT or null. */
    public record Rcpt(String address, int notifyBits, String orcpt) {
    }

    public Begin {
        recipients = List.copyOf(recipients);
    }

    public Frame encode() {
        PayloadWriter w = new PayloadWriter().str(transferId).opt(sender)
                .u8((smtpUtf8 ? FLAG_SMTPUTF8 : 0) | (typed ? FLAG_TYPED : 0)).u8(body).u8(ret)
                .opt(envid).i64(declaredSize).u16(recipients.size());
        for (Rcpt r : recipients) {
            w.str(r.address()).u8(r.notifyBits()).opt(r.orcpt());
        }
        return w.str(originProtocol).opt(originHelo).opt(originClient).opt(originUser).i64(originReceived)
                .bytes(properties).frame(FrameType.BEGIN);
    }

    /** @param maxProperties the largest property block taken (the frame bounds it anyway) */
    public static Begin decode(Frame f, int maxProperties) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        String id = r.str(MAX_TRANSFER_ID, "transferId");
        if (!validTransferId(id)) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "bad transfer id");
        }
        String sender = r.opt(MAX_ADDRESS, "sender");
        int flags = r.u8("flags");
        int body = r.u8("body");
        int ret = r.u8("ret");
        if (flags > (FLAG_SMTPUTF8 | FLAG_TYPED) || body > 2 || ret > 2) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "bad flags, body or ret");
        }
        String envid = r.opt(MAX_FIELD, "envid");
        long size = r.i64("declaredSize");
        int n = r.u16("recipients");
        if (n < 1 || n > MAX_RECIPIENTS) {
            throw new ProtocolException(ErrorCode.PROTOCOL, n + " recipients (1 to " + MAX_RECIPIENTS + ")");
        }
        List<Rcpt> rcpts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String a = r.str(MAX_ADDRESS, "recipient");
            int notify = r.u8("notify");
            if (notify > 15 || ((notify & NOTIFY_NEVER) != 0 && notify != NOTIFY_NEVER)) {
                throw new ProtocolException(ErrorCode.PROTOCOL, "bad NOTIFY bits");
            }
            rcpts.add(new Rcpt(a, notify, r.opt(MAX_FIELD, "orcpt")));
        }
        String proto = r.str(MAX_FIELD, "originProtocol");
        String helo = r.opt(MAX_FIELD, "originHelo");
        String client = r.opt(MAX_FIELD, "originClient");
        String user = r.opt(MAX_ADDRESS, "originUser");
        long received = r.i64("originReceived");
        byte[] props = r.bytes(maxProperties, "properties");
        r.end("BEGIN");
        if ((flags & FLAG_TYPED) != 0 && props.length == 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "a typed message without its property set");
        }
        return new Begin(id, sender, (flags & FLAG_SMTPUTF8) != 0, (flags & FLAG_TYPED) != 0, body, ret, envid, size, rcpts, proto, helo, client, user, received,
                props);
    }

    public static boolean validTransferId(String id) {
        if (id.isEmpty() || id.length() > MAX_TRANSFER_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '/' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
