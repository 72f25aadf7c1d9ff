package org.postrider.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.QueueId;

/**
 * Delivery status notifications (RFC 3464) of failure, delay and success: a
 * multipart/report with a human-readable part, a message/delivery-status part with one
 * block per recipient, and the original message (RET=FULL, the default) or its header
 * (RET=HDRS, and always for delay and success notices), streamed from the spool.
 */
final class DsnBuilder {
    enum Kind { FAILED, DELAYED, SUCCESS }

    /** One recipient's line in the report; action is RFC 3464's: failed, delayed, delivered, relayed, expanded. */
    record Line(Recipient recipient, String action, String status, String diagnostic, String remoteHost) {
    }

    private DsnBuilder() {
    }

    static void write(OutputStream out, Kind kind, QueueId id, Envelope original, Instant arrival, List<Line> lines,
            MessageContent content, String reportingMta, String mailerDaemon, Instant retryUntil) throws IOException {
        String boundary = "=_postrider_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        StringBuilder h = new StringBuilder();
        h.append("From: Mail Delivery System <").append(mailerDaemon).append(">\r\n");
        h.append("To: <").append(original.sender()).append(">\r\n");
        h.append("Subject: ").append(switch (kind) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            case SUCCESS -> "Successful Mail Delivery Report";
        }).append("\r\n");
        h.append("Date: ").append(TraceHeader.RFC5322.format(Instant.now())).append("\r\n");
        h.append("Message-ID: <").append(id).append('.').append(kind.name().toLowerCase(java.util.Locale.ROOT))
                .append('.').append(System.currentTimeMillis()).append('@').append(reportingMta).append(">\r\n");
        h.append("Auto-Submitted: auto-replied\r\n");
        h.append("MIME-Version: 1.0\r\n");
        h.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary)
                .append("\"\r\n\r\n");
        h.append("This is a MIME-encapsulated message.\r\n\r\n");

        h.append("--").append(boundary).append("\r\n");
        h.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        if (kind == Kind.FAILED) {
            h.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n")
                    .append("Your message could not be delivered to one or more recipients.\r\n\r\n");
        } else if (kind == Kind.SUCCESS) {
            h.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n")
                    .append("Your message was delivered to the recipients below, as you asked to be told;\r\n")
                    .append("where it says relayed, it was passed on to a system that will not report on it;\r\n")
                    .append("where it says expanded, it was delivered to the members of a list or alias.\r\n\r\n");
        } else {
            h.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n")
                    .append("Your message has not been delivered yet to the recipients below. It will be retried")
                    .append(retryUntil != null ? " until " + TraceHeader.RFC5322.format(retryUntil) : "")
                    .append(".\r\nYou need not send it again.\r\n\r\n");
        }
        for (Line l : lines) {
            h.append("<").append(l.recipient().address()).append(">: ").append(kind == Kind.SUCCESS
                    ? l.action() + (l.diagnostic() != null ? ", " + clean(l.diagnostic()) : "")
                    : clean(l.diagnostic())).append("\r\n");
        }
        h.append("\r\n--").append(boundary).append("\r\n");
        h.append("Content-Type: message/delivery-status\r\n\r\n");
        h.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        h.append("X-Postrider-Queue-ID: ").append(id).append("\r\n");
        if (original.envelopeId() != null) {
            h.append("Original-Envelope-Id: ").append(clean(original.envelopeId())).append("\r\n");
        }
        h.append("Arrival-Date: ").append(TraceHeader.RFC5322.format(arrival)).append("\r\n");
        for (Line l : lines) {
            h.append("\r\n");
            if (l.recipient().originalRecipient() != null) {
                h.append("Original-Recipient: ").append(clean(l.recipient().originalRecipient())).append("\r\n");
            }
            h.append("Final-Recipient: rfc822; ").append(l.recipient().address()).append("\r\n");
            h.append("Action: ").append(l.action()).append("\r\n");
            h.append("Status: ").append(l.status()).append("\r\n");
            if (l.remoteHost() != null) {
                h.append("Remote-MTA: dns; ").append(clean(l.remoteHost())).append("\r\n");
                h.append("Diagnostic-Code: smtp; ").append(clean(l.diagnostic())).append("\r\n");
            } else {
                h.append("Diagnostic-Code: X-Postrider; ").append(clean(l.diagnostic())).append("\r\n");
            }
            h.append("Last-Attempt-Date: ").append(TraceHeader.RFC5322.format(Instant.now())).append("\r\n");
            if (kind == Kind.DELAYED && retryUntil != null) {
                h.append("Will-Retry-Until: ").append(TraceHeader.RFC5322.format(retryUntil)).append("\r\n");
            }
        }
        // RET is about failures: success and delay reports return the header only, as Postfix's do.
        boolean headersOnly = original.dsnReturn() == DsnReturn.HEADERS || kind != Kind.FAILED;
        h.append("\r\n--").append(boundary).append("\r\n");
        h.append("Content-Type: ").append(headersOnly ? "text/rfc822-headers" : "message/rfc822").append("\r\n");
        if (original.body() != BodyType.SEVEN_BIT) {
            h.append("Content-Transfer-Encoding: 8bit\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        try (InputStream in = content.open()) {
            if (headersOnly) {
                copyHeader(in, out);
            } else {
                in.transferTo(out);
            }
        }
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Copies up to and including the empty line that ends the header section. */
    private static void copyHeader(InputStream in, OutputStream out) throws IOException {
        int prev2 = -1;
        int prev = -1;
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (b == '\n' && prev == '\r' && prev2 == '\n') {
                return;
            }
            prev2 = prev;
            prev = b;
        }
    }

    /** Remote replies and ids go into header fields: no control characters. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && sb.length() < 900; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString().trim();
    }
}
