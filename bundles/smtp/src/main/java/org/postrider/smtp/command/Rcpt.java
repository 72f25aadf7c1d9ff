package org.postrider.smtp.command;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Router;
import org.postrider.api.queue.Verdict;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.SmtpParser;
import org.postrider.smtp.proto.SmtpPath;
import org.postrider.smtp.proto.SmtpRequest;

/**
 * RCPT TO with NOTIFY and ORCPT. The router decides before anything is accepted: unknown
 * local users (5.1.1) and relaying without authentication (5.7.1) are refused here.
 */
public final class Rcpt implements SmtpCommand {
    @Override
    public String verb() {
        return "RCPT";
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        Transaction t = s.transaction();
        if (t == null) {
            s.bad("503 5.5.1 need MAIL before RCPT");
            return;
        }
        if (t.chunks != null) {
            // the envelope went to the queue with the first chunk: a recipient now would get nothing
            s.bad("503 5.5.1 RCPT after BDAT");
            return;
        }
        if (t.recipients.size() >= s.service().config().maxRecipients()) {
            s.reply("452 4.5.3 too many recipients");
            return;
        }
        SmtpPath path;
        Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
        String orcpt = null;
        try {
            path = SmtpParser.rcptTo(r.argument(), s.service().postmasterDomain());
            for (Map.Entry<String, String> p : path.params().entrySet()) {
                switch (p.getKey()) {
                    case "NOTIFY" -> {
                        for (String n : p.getValue().toUpperCase(Locale.ROOT).split(",")) {
                            try {
                                notify.add(DsnNotify.valueOf(n));
                            } catch (IllegalArgumentException e) {
                                throw new SmtpParser.Invalid(501, "5.5.4", "bad NOTIFY");
                            }
                        }
                        if (notify.contains(DsnNotify.NEVER) && notify.size() > 1) {
                            throw new SmtpParser.Invalid(501, "5.5.4", "NOTIFY=NEVER stands alone");
                        }
                    }
                    case "ORCPT" -> {
                        String v = p.getValue();
                        int semi = v.indexOf(';');
                        if (semi <= 0) {
                            throw new SmtpParser.Invalid(501, "5.5.4", "bad ORCPT");
                        }
                        orcpt = v.substring(0, semi) + ";" + SmtpParser.xtext(v.substring(semi + 1));
                    }
                    default -> throw new SmtpParser.Invalid(555, "5.5.4", "unsupported parameter " + p.getKey());
                }
            }
        } catch (SmtpParser.Invalid e) {
            s.bad(e.reply());
            return;
        }
        if (path.address().needsSmtpUtf8() && !t.smtpUtf8) {
            s.bad("553 5.6.7 a UTF-8 address needs SMTPUTF8");
            return;
        }
        Router router = s.service().router();
        if (router == null) {
            s.reply("451 4.3.0 routing temporarily unavailable");
            return;
        }
        Verdict v = router.checkRecipient(t.sender, path.address(), s.authenticatedUser() != null);
        if (!v.accepted()) {
            s.bad(v.replyCode() + " " + v.enhancedCode() + " " + v.text());
            return;
        }
        t.recipients.add(new Recipient(path.address(), notify, orcpt));
        s.reply("250 2.1.5 recipient ok");
    }
}
