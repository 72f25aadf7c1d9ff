package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.api.message.BodyType;
import org.postrider.api.queue.Submission;
import org.postrider.lineserver.MessageText;
import org.postrider.lineserver.ProtocolViolation;
import org.postrider.smtp.HeaderFilter;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.SmtpRequest;

/**
 * DATA: only CRLF.CRLF ends the message (a bare CR or LF anywhere drops the session and the
 * message: the SMTP smuggling defence); dot-unstuffing; SIZE enforced on the bytes; the
 * message is acknowledged only once the queue has it on disk.
 */
public final class Data implements SmtpCommand {
    @Override
    public String verb() {
        return "DATA";
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        Transaction t = s.transaction();
        if (t == null || t.recipients.isEmpty()) {
            s.bad(t == null ? "503 5.5.1 need MAIL first" : "554 5.5.1 no valid recipients");
            return;
        }
        if (t.body == BodyType.BINARY_MIME) {
            s.bad("503 5.5.1 BODY=BINARYMIME needs BDAT");
            return;
        }
        if (t.chunks != null) {
            s.bad("503 5.5.1 BDAT in progress");
            return;
        }
        if (!r.argument().isEmpty()) {
            s.bad("501 5.5.4 DATA takes no argument");
            return;
        }
        if (s.connection().inputPending()) {
            // RFC 2920 3.1: DATA ends a pipeline group; text sent before 354 is not a message.
            s.reset();
            s.reply("554 5.5.0 improper use of SMTP command pipelining (text before the 354 reply), closing");
            s.end();
            return;
        }
        Submission sub = Messages.open(s, t);
        if (sub == null) {
            return;
        }
        s.reply("354 end data with <CR><LF>.<CR><LF>");
        s.flush();
        s.service().beginData(s.connection());
        long max = s.service().config().maxMessageSize();
        int maxLine = s.service().config().maxDataLine();
        HeaderFilter filter = s.service().headerFilter(sub.content(), s.submission());
        MessageText text = new MessageText(maxLine, max);
        try {
            boolean whole;
            try {
                whole = s.connection().readMessageText(text, filter);
            } catch (ProtocolViolation v) {
                sub.close();
                s.reset();
                s.violation(v);
                return;
            }
            if (!whole) {
                sub.close();
                s.reset();
                s.end();
                return;
            }
            s.connection().endData();
            filter.finish();
        } catch (IOException e) {
            sub.close();
            s.reset();
            throw e;
        }
        if (text.refused() || filter.tooLarge()) {
            sub.close();
            s.reset();
            s.reply(text.lineTooLong() ? "500 5.5.2 message has a line longer than " + maxLine + " octets"
                    : text.tooBig() ? "552 5.3.4 message size exceeds fixed limit" : "552 5.3.4 header too large");
            return;
        }
        Messages.commit(s, sub);
    }
}
