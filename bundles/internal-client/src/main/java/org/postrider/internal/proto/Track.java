package org.postrider.internal.proto;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * TRACK and TRACK_RESULT (spec section 3.5): one server of the organisation asks another what
 * its message-tracking journal holds about a Message-ID, on an authenticated server link,
 * between messages; the answer comes in turn with the ACKs before it.
 */
public final class Track {
    /** Events one answer carries at most (the asker's limit is cut to it). */
    public static final int MAX_EVENTS = 1000;
    /** The longest Message-ID asked about (RFC 5322's line limit). */
    public static final int MAX_MESSAGE_ID = 998;
    private static final int MAX_NAME = 255;
    private static final int MAX_FIELD = 1000;

    /** An event as the wire carries it: the API's TrackEvent, without a dependency on the API. */
    public record Event(Instant time, String server, String queueId, String messageId, String kind, String recipient,
            String via, String peer, String detail) {
    }

    /** The question: a Message-ID and how many events at most. */
    public record Request(String messageId, int limit) {
        public Frame encode() {
            return new PayloadWriter().str(messageId).u32(limit).frame(FrameType.TRACK);
        }

        public static Request decode(Frame f) throws ProtocolException {
            PayloadReader r = new PayloadReader(f.payload());
            String id = r.str(MAX_MESSAGE_ID, "messageId");
            long limit = r.u32("limit");
            r.end("TRACK");
            return new Request(id, (int) Math.min(limit, MAX_EVENTS));
        }
    }

    private Track() {
    }

    /**
     * The answer: the events, oldest first, as many as fit in {@code maxPayload} octets (the
     * asker's frame limit) and {@link #MAX_EVENTS}; longer values are cut.
     */
    public static Frame result(List<Event> events, int maxPayload) {
        int n = 0;
        PayloadWriter all = new PayloadWriter();
        for (Event e : events) {
            if (n == MAX_EVENTS) {
                break;
            }
            PayloadWriter one = new PayloadWriter().i64(e.time().toEpochMilli()).str(cut(e.server(), MAX_NAME))
                    .str(cut(e.queueId(), MAX_NAME)).opt(cut(e.messageId(), MAX_MESSAGE_ID)).str(cut(e.kind(), 32))
                    .opt(cut(e.recipient(), MAX_FIELD)).opt(cut(e.via(), MAX_FIELD)).opt(cut(e.peer(), MAX_FIELD))
                    .opt(cut(e.detail(), MAX_FIELD));
            if (2 + all.size() + one.size() > maxPayload) {
                break;
            }
            all.fixed(one.bytes());
            n++;
        }
        return new PayloadWriter().u16(n).fixed(all.bytes()).frame(FrameType.TRACK_RESULT);
    }

    public static List<Event> decodeResult(Frame f) throws ProtocolException {
        PayloadReader r = new PayloadReader(f.payload());
        int n = r.u16("count");
        if (n > MAX_EVENTS) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "TRACK_RESULT with " + n + " events");
        }
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long millis = r.i64("time");
            Instant time;
            try {
                time = Instant.ofEpochMilli(millis);
            } catch (DateTimeException e) {
                throw new ProtocolException(ErrorCode.PROTOCOL, "TRACK_RESULT time out of range");
            }
            events.add(new Event(time, r.str(MAX_NAME, "server"), r.str(MAX_NAME, "queueId"),
                    r.opt(MAX_MESSAGE_ID, "messageId"), r.str(32, "kind"), r.opt(MAX_FIELD, "recipient"),
                    r.opt(MAX_FIELD, "via"), r.opt(MAX_FIELD, "peer"), r.opt(MAX_FIELD, "detail")));
        }
        r.end("TRACK_RESULT");
        return events;
    }

    /** At most {@code max} octets of UTF-8 (a character is 4 at most), no NUL: what the reader takes. */
    private static String cut(String s, int max) {
        if (s == null) {
            return null;
        }
        String t = s.length() <= max / 4 || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= max ? s
                : s.substring(0, max / 4);
        return t.replace('\0', '?');
    }
}
