package org.postrider.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postrider.api.queue.QueueId;
import org.postrider.kit.text.PercentCodec;

/**
 * What the queue knows about one message's delivery: attempts, next attempt, and each
 * envelope recipient's outcome. Kept in SPOOL/queue/ID.state, rewritten durably after each
 * attempt; losing it only costs a repeated attempt (local delivery is idempotent).
 */
final class MessageState {
    enum Status { PENDING, DELIVERED, FAILED }

    /** One envelope recipient's outcome; {@code done} holds the final addresses already delivered. */
    static final class Rcpt {
        Status status = Status.PENDING;
        String code;
        String diagnostic;
        String remoteHost;
        /** "delivered", "relayed" or "expanded" once done, where the sender asked for a success notice. */
        String success;
        boolean successNotified;
        final Set<String> done = new HashSet<>();
        /** Members of this recipient's alias or list expansion that failed for good. */
        final List<MemberFailure> memberFailures = new CopyOnWriteArrayList<>(); // queue:show reads it too
    }

    /** A member of an expansion that failed: reported to the sender beside its list's address. */
    record MemberFailure(String address, String code, String diagnostic, String remoteHost) {
    }

    int attempts;
    long nextAttempt;
    boolean held;
    boolean delayNotified;
    String lastError;
    final List<Rcpt> rcpts = new ArrayList<>();
    /**
     * Notices being sent, by kind, with the queue id they get: written before the notice is
     * committed, cleared once the notice is confirmed; recovery finds the notice in the spool
     * or sends it again, so a crash neither loses nor repeats one.
     */
    final Map<DsnBuilder.Kind, String> pendingNotices = new EnumMap<>(DsnBuilder.Kind.class);

    static MessageState fresh(int recipients) {
        MessageState s = new MessageState();
        for (int i = 0; i < recipients; i++) {
            s.rcpts.add(new Rcpt());
        }
        return s;
    }

    boolean finished() {
        return rcpts.stream().noneMatch(r -> r.status == Status.PENDING);
    }

    /** The state a notice leaves once it is in the spool: what it reported is reported. */
    void noticeSent(DsnBuilder.Kind kind) {
        pendingNotices.remove(kind);
        switch (kind) {
            case DELAYED -> delayNotified = true;
            case SUCCESS -> rcpts.stream().filter(r -> r.success != null).forEach(r -> r.successNotified = true);
            case FAILED -> { } // sent when the message is finished; it is removed next
        }
    }

    byte[] encode() {
        StringBuilder sb = new StringBuilder("version 2\n");
        sb.append("attempts ").append(attempts).append('\n');
        sb.append("next ").append(nextAttempt).append('\n');
        sb.append("held ").append(held).append('\n');
        sb.append("delay-notified ").append(delayNotified).append('\n');
        sb.append("error ").append(opt(lastError)).append('\n');
        for (int i = 0; i < rcpts.size(); i++) {
            Rcpt r = rcpts.get(i);
            sb.append("r ").append(i).append(' ').append(r.status).append(' ').append(opt(r.code)).append(' ')
                    .append(opt(r.diagnostic)).append(' ').append(opt(r.remoteHost)).append('\n');
            if (r.success != null) {
                sb.append("s ").append(i).append(' ').append(r.success).append(' ').append(r.successNotified)
                        .append('\n');
            }
            for (String d : r.done) {
                sb.append("d ").append(i).append(' ').append(PercentCodec.encode(d)).append('\n');
            }
            for (MemberFailure m : r.memberFailures) {
                sb.append("m ").append(i).append(' ').append(opt(m.address())).append(' ').append(opt(m.code()))
                        .append(' ').append(opt(m.diagnostic())).append(' ').append(opt(m.remoteHost())).append('\n');
            }
        }
        for (Map.Entry<DsnBuilder.Kind, String> n : pendingNotices.entrySet()) {
            sb.append("n ").append(n.getKey()).append(' ').append(n.getValue()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static MessageState decode(String text, int recipients) throws IOException {
        MessageState s = fresh(recipients);
        // version 2 writes "." for an absent value (never an escape's output); the first files wrote "-"
        String none = text.startsWith("version 2\n") ? "." : "-";
        try {
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split(" ", -1);
                switch (f[0]) {
                    case "version" -> fields(f, 2);
                    case "attempts" -> s.attempts = Integer.parseInt(fields(f, 2)[1]);
                    case "next" -> s.nextAttempt = Long.parseLong(fields(f, 2)[1]);
                    case "held" -> s.held = Boolean.parseBoolean(fields(f, 2)[1]);
                    case "delay-notified" -> s.delayNotified = Boolean.parseBoolean(fields(f, 2)[1]);
                    case "error" -> s.lastError = text(fields(f, 2)[1], none);
                    case "r" -> {
                        Rcpt r = s.rcpts.get(Integer.parseInt(fields(f, 6)[1]));
                        r.status = Status.valueOf(f[2]);
                        r.code = text(f[3], none);
                        r.diagnostic = text(f[4], none);
                        r.remoteHost = text(f[5], none);
                    }
                    case "d" -> s.rcpts.get(Integer.parseInt(fields(f, 3)[1])).done.add(text(f[2], null));
                    case "m" -> s.rcpts.get(Integer.parseInt(fields(f, 6)[1])).memberFailures.add(
                            new MemberFailure(text(f[2], none), text(f[3], none), text(f[4], none), text(f[5], none)));
                    case "n" -> s.pendingNotices.put(DsnBuilder.Kind.valueOf(fields(f, 3)[1]), new QueueId(f[2]).value());
                    case "s" -> {
                        Rcpt r = s.rcpts.get(Integer.parseInt(fields(f, 4)[1]));
                        if (!f[2].equals("delivered") && !f[2].equals("relayed") && !f[2].equals("expanded")) {
                            throw new IOException("unknown success action " + f[2]);
                        }
                        r.success = f[2];
                        r.successNotified = Boolean.parseBoolean(f[3]);
                    }
                    default -> throw new IOException("unknown state line " + f[0]);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("bad queue state: " + e.getMessage(), e);
        }
        return s;
    }

    private static String[] fields(String[] f, int count) throws IOException {
        if (f.length != count) {
            throw new IOException("state line " + f[0] + " has " + (f.length - 1) + " values, not " + (count - 1));
        }
        return f;
    }

    private static String opt(String s) {
        return s == null ? "." : PercentCodec.encode(s);
    }

    private static String text(String field, String none) throws IOException {
        return SpoolFormat.text(field, none);
    }
}
