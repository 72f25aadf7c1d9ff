package org.postrider.smtp.command;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnReturn;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.SmtpParser;
import org.postrider.smtp.proto.SmtpPath;
import org.postrider.smtp.proto.SmtpRequest;

/** MAIL FROM with SIZE, BODY, SMTPUTF8, RET, ENVID, XTRANSFERID; submission requires AUTH and an owned sender. */
public final class Mail implements SmtpCommand {
    @Override
    public String verb() {
        return "MAIL";
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        if (s.transaction() != null) {
            s.bad("503 5.5.1 nested MAIL command");
            return;
        }
        if (s.submission() && s.authenticatedUser() == null) {
            s.bad("530 5.7.0 authentication required");
            return;
        }
        SmtpPath path;
        try {
            path = SmtpParser.mailFrom(r.argument());
        } catch (SmtpParser.Invalid e) {
            s.bad(e.reply());
            return;
        }
        Transaction t = new Transaction();
        try {
            for (Map.Entry<String, String> p : path.params().entrySet()) {
                String v = p.getValue();
                switch (p.getKey()) {
                    case "SIZE" -> {
                        if (!v.matches("\\d{1,18}")) {
                            throw new SmtpParser.Invalid(501, "5.5.4", "bad SIZE");
                        }
                        t.declaredSize = Long.parseLong(v);
                        if (t.declaredSize > s.service().config().maxMessageSize()) {
                            throw new SmtpParser.Invalid(552, "5.3.4", "message size exceeds fixed limit");
                        }
                    }
                    case "BODY" -> t.body = switch (v.toUpperCase(Locale.ROOT)) {
                        case "7BIT" -> BodyType.SEVEN_BIT;
                        case "8BITMIME" -> BodyType.EIGHT_BIT_MIME;
                        case "BINARYMIME" -> BodyType.BINARY_MIME;
                        default -> throw new SmtpParser.Invalid(501, "5.5.4", "bad BODY");
                    };
                    case "SMTPUTF8" -> t.smtpUtf8 = true;
                    case "RET" -> t.dsnReturn = switch (v.toUpperCase(Locale.ROOT)) {
                        case "FULL" -> DsnReturn.FULL;
                        case "HDRS" -> DsnReturn.HEADERS;
                        default -> throw new SmtpParser.Invalid(501, "5.5.4", "bad RET");
                    };
                    case "ENVID" -> t.envelopeId = SmtpParser.xtext(v);
                    case TransferKeys.KEYWORD -> {
                        if (!TransferKeys.accepted(s)) {
                            throw new SmtpParser.Invalid(555, "5.5.4", "unsupported parameter " + p.getKey());
                        }
                        t.transferId = TransferKeys.id(SmtpParser.xtext(v));
                    }
                    case "AUTH" -> {
                        // RFC 4954 5: informational; we trust only our own authentication
                    }
                    default -> throw new SmtpParser.Invalid(555, "5.5.4", "unsupported parameter " + p.getKey());
                }
            }
        } catch (SmtpParser.Invalid e) {
            s.bad(e.reply());
            return;
        }
        if (path.address() != null && path.address().needsSmtpUtf8() && !t.smtpUtf8) {
            s.bad("553 5.6.7 a UTF-8 address needs SMTPUTF8");
            return;
        }
        String user = s.authenticatedUser();
        if (user != null && path.address() != null && s.service().config().senderMustMatchLogin()
                && !path.address().lookupKey().equals(user)) {
            s.bad("553 5.7.1 sender <" + path.address() + "> is not owned by " + user);
            return;
        }
        t.sender = path.address();
        s.begin(t);
        s.reply("250 2.1.0 sender ok");
    }
}
