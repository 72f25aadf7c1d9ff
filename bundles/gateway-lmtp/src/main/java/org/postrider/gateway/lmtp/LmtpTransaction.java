package org.postrider.gateway.lmtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.RecipientResult;

/**
 * One delivery over one LMTP connection (RFC 2033): LHLO, MAIL, a RCPT per recipient, DATA,
 * then one reply per accepted recipient. Every recipient gets a result: the server's own
 * for those it answered, "retry" for those it did not (a lost connection, a timeout).
 */
final class LmtpTransaction {
    private final LmtpConnection c;
    private final String lhloName;
    private final String server;

    LmtpTransaction(LmtpConnection connection, String lhloName, String server) {
        this.c = connection;
        this.lhloName = lhloName;
        this.server = server;
    }

    /** One result per recipient, in the envelope's order. */
    List<RecipientResult> run(Delivery d) {
        Map<Recipient, RecipientResult> results = new LinkedHashMap<>();
        talk(d, results);
        return d.envelope().recipients().stream()
                .map(r -> results.getOrDefault(r, RecipientResult.retry(r, "4.4.2", "no answer from " + server)))
                .toList();
    }

    private void talk(Delivery d, Map<Recipient, RecipientResult> results) {
        List<Recipient> accepted = new ArrayList<>();
        try {
            Reply greeting = c.read();
            if (greeting.code() != 220) {
                all(d.envelope().recipients(), results, retry(greeting));
                return;
            }
            Reply lhlo = c.command("LHLO " + lhloName);
            if (lhlo.code() != 250) {
                all(d.envelope().recipients(), results, retry(lhlo));
                return;
            }
            List<String> caps = lhlo.lines().stream().map(l -> l.toUpperCase(Locale.ROOT)).toList();
            StringBuilder mail = new StringBuilder("MAIL FROM:<")
                    .append(d.envelope().sender() == null ? "" : d.envelope().sender().toString()).append('>');
            if (d.envelope().body() != BodyType.SEVEN_BIT && caps.contains("8BITMIME")) {
                mail.append(" BODY=8BITMIME");
            }
            if (d.envelope().smtpUtf8()) {
                if (!caps.contains("SMTPUTF8")) {
                    all(d.envelope().recipients(), results, r -> RecipientResult.failed(r, "5.6.7",
                            "the LMTP server " + server + " does not take internationalised addresses (SMTPUTF8)"));
                    return;
                }
                mail.append(" SMTPUTF8");
            }
            Reply from = c.command(mail.toString());
            if (!from.positive()) {
                all(d.envelope().recipients(), results, byClass(from));
                return;
            }
            for (Recipient r : d.envelope().recipients()) {
                String address;
                try {
                    address = rcptAddress(d, r);
                } catch (InvalidAddressException e) {
                    results.put(r, RecipientResult.failed(r, "5.1.3", "the foreign address " + d.destination()
                            + " is not one LMTP can take: " + e.getMessage()));
                    continue;
                }
                Reply to = c.command("RCPT TO:<" + address + ">");
                if (to.positive()) {
                    accepted.add(r);
                } else {
                    results.put(r, byClass(to).apply(r));
                }
            }
            if (accepted.isEmpty()) {
                c.command("QUIT");
                return;
            }
            Reply data = c.command("DATA");
            if (data.code() != 354) {
                accepted.forEach(r -> results.put(r, byClass(data).apply(r)));
                return;
            }
            try (InputStream text = d.content().open()) {
                c.sendText(text);
            }
            // LMTP's difference from SMTP: one reply per accepted recipient, in RCPT order
            for (Recipient r : accepted) {
                Reply each = c.read();
                results.put(r, each.positive()
                        ? RecipientResult.delivered(r, "delivered by " + server + ": " + each.text())
                        : byClass(each).apply(r));
            }
            c.command("QUIT");
        } catch (IOException | ReplyParser.ProtocolException e) {
            // whoever has no answer yet is tried again; a reply already read stands
            String why = "LMTP with " + server + " failed: " + e.getMessage();
            for (Recipient r : d.envelope().recipients()) {
                results.putIfAbsent(r, RecipientResult.retry(r, "4.4.2", why));
            }
        }
    }

    /**
     * The address the foreign server knows the recipient by: a custom recipient of the
     * Directory comes with its foreign address as the delivery's destination ({@code SMTP:...},
     * the gateway contract), any other with its own.
     */
    static String rcptAddress(Delivery d, Recipient r) throws InvalidAddressException {
        String dest = d.destination();
        if (dest != null && dest.regionMatches(true, 0, FOREIGN_SMTP, 0, FOREIGN_SMTP.length())) {
            return MailAddress.parse(dest.substring(FOREIGN_SMTP.length())).toString();
        }
        return r.address().toString();
    }

    private static final String FOREIGN_SMTP = "SMTP:";

    private java.util.function.Function<Recipient, RecipientResult> byClass(Reply reply) {
        String text = server + " said: " + reply.text();
        return r -> reply.temporary() ? new RecipientResult(r, org.postrider.api.queue.DeliveryStatus.RETRY,
                reply.status(), text, server)
                : new RecipientResult(r, org.postrider.api.queue.DeliveryStatus.FAILED, reply.status(), text, server);
    }

    private java.util.function.Function<Recipient, RecipientResult> retry(Reply reply) {
        return r -> RecipientResult.retry(r, "4.4.0", server + " is not ready: " + reply.text());
    }

    private static void all(List<Recipient> rcpts, Map<Recipient, RecipientResult> results,
            java.util.function.Function<Recipient, RecipientResult> f) {
        rcpts.forEach(r -> results.putIfAbsent(r, f.apply(r)));
    }
}
