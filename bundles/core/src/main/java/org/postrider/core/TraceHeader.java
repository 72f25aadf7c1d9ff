package org.postrider.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.QueueId;

/** The Received: field the queue prepends to every message it accepts (RFC 5321 4.4). */
final class TraceHeader {
    static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private TraceHeader() {
    }

    /** Whatever a listener let through, no control character reaches the header (no line break, no new field). */
    static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    static byte[] received(Envelope e, QueueId id, String serverName) {
        Origin o = e.origin();
        StringBuilder sb = new StringBuilder("Received: ");
        if (o.clientAddress() != null) {
            // RFC 5321 4.1.3: an IPv6 address literal is tagged
            sb.append("from ").append(o.heloName() != null ? clean(o.heloName()) : "unknown").append(" ([")
                    .append(o.clientAddress().indexOf(':') >= 0 ? "IPv6:" : "").append(o.clientAddress())
                    .append("])\r\n\t");
        }
        sb.append("by ").append(serverName).append(" (Postrider) with ").append(o.protocol()).append(" id ")
                .append(id);
        if (o.authenticatedUser() != null && !"local".equals(o.protocol())) {
            sb.append("\r\n\t(authenticated as ").append(clean(o.authenticatedUser())).append(')');
        }
        if (e.recipients().size() == 1) {
            sb.append("\r\n\tfor <").append(e.recipients().get(0).address()).append('>');
        }
        sb.append("; ").append(RFC5322.format(o.received() != null ? o.received() : Instant.now())).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
