package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.Submission;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;

/** What DATA and BDAT share: the envelope, the queue submission, and the final reply. */
final class Messages {
    private Messages() {
    }

    /** Opens the queue submission for the transaction, or replies why not and returns null. */
    static Submission open(SmtpSession s, Transaction t) throws IOException {
        MailQueue queue = s.service().queue();
        if (queue == null) {
            s.reply("451 4.3.0 queue temporarily unavailable");
            return null;
        }
        Envelope e = new Envelope(t.sender, t.recipients, t.body, t.smtpUtf8, t.declaredSize, t.dsnReturn,
                t.envelopeId, new Origin(s.protocolName(), s.helo(),
                        s.connection().remote().getAddress().getHostAddress(), s.authenticatedUser(),
                        java.time.Instant.now()));
        try {
            return t.transferId == null ? queue.begin(e) : queue.begin(e, TransferKeys.key(s, t));
        } catch (QueueException ex) {
            // the queue's text starts with its enhanced status code
            s.reply(ex.permanent() ? "554 " + ex.getMessage() : "451 " + ex.getMessage());
            return null;
        }
    }

    /** Commits and answers "250 queued as" only once the queue has the message on disk. */
    static void commit(SmtpSession s, Submission sub) throws IOException {
        try {
            s.reply("250 2.0.0 ok: queued as " + sub.commit());
        } catch (QueueException e) {
            s.reply(e.permanent() ? "554 " + e.getMessage() : "451 " + e.getMessage());
        } finally {
            sub.close();
            s.reset();
        }
    }
}
