package org.postrider.core;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.track.TrackEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery status notices of one message, each sent at most once, also across a crash:
 * <ol>
 * <li>the id the notice will have is written into the message's state (durably);</li>
 * <li>the notice is committed to the spool under that id, but not yet scheduled;</li>
 * <li>the caller records what the notice reported (or removes the message), durably;</li>
 * <li>only then is the notice scheduled.</li>
 * </ol>
 * A crash after 1 leaves an id in the state: recovery finds the notice in the spool (it was
 * committed, and cannot have been delivered before step 3) or sends it again.
 */
final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");

    /** What the queue lends the notices: a submission under a chosen id, left unscheduled. */
    interface Sink {
        CoreSubmission beginParked(Envelope envelope, QueueId id) throws QueueException;

        void writeState(QueuedMessage m) throws IOException;

        org.postrider.api.message.MessageContent content(QueuedMessage m) throws IOException;
    }

    private final Sink sink;
    private final String serverName;
    private TrackJournal tracking = new TrackJournal(null, "", 0, 0, null);

    void tracking(TrackJournal journal) {
        this.tracking = journal;
    }

    Notices(Sink sink, String serverName) {
        this.sink = sink;
        this.serverName = serverName;
    }

    /** The lines of a failure notice: failed recipients, and failed members of expansions. */
    static List<DsnBuilder.Line> failures(QueuedMessage m) {
        List<DsnBuilder.Line> lines = new ArrayList<>();
        for (int i = 0; i < m.state.rcpts.size(); i++) {
            MessageState.Rcpt r = m.state.rcpts.get(i);
            Recipient rcpt = m.envelope.recipients().get(i);
            if (!rcpt.wantsFailureNotice()) {
                continue;
            }
            if (r.status == MessageState.Status.FAILED) {
                lines.add(new DsnBuilder.Line(rcpt, "failed", r.code, r.diagnostic, r.remoteHost));
            }
            for (MessageState.MemberFailure f : r.memberFailures) {
                lines.add(new DsnBuilder.Line(member(rcpt, f.address()), "failed", f.code(), f.diagnostic(),
                        f.remoteHost()));
            }
        }
        return lines;
    }

    /** A member of an expansion as a DSN recipient: its own address, the list's as the original. */
    private static Recipient member(Recipient list, String address) {
        try {
            String original = list.originalRecipient() != null ? list.originalRecipient()
                    : "rfc822;" + list.address();
            return new Recipient(MailAddress.parse(address), list.notifyOn(), original);
        } catch (InvalidAddressException e) {
            return list; // the address came from our own directory; report on the list itself
        }
    }

    static List<DsnBuilder.Line> successes(QueuedMessage m) {
        List<DsnBuilder.Line> lines = new ArrayList<>();
        for (int i = 0; i < m.state.rcpts.size(); i++) {
            MessageState.Rcpt r = m.state.rcpts.get(i);
            if (r.success != null && !r.successNotified) {
                lines.add(new DsnBuilder.Line(m.envelope.recipients().get(i), r.success, r.code, r.diagnostic,
                        r.remoteHost));
            }
        }
        return lines;
    }

    static List<DsnBuilder.Line> delays(QueuedMessage m) {
        List<DsnBuilder.Line> lines = new ArrayList<>();
        for (int i = 0; i < m.state.rcpts.size(); i++) {
            MessageState.Rcpt r = m.state.rcpts.get(i);
            Recipient rcpt = m.envelope.recipients().get(i);
            if (r.status == MessageState.Status.PENDING && rcpt.wantsDelayNotice()) {
                lines.add(new DsnBuilder.Line(rcpt, "delayed", "4.4.7", m.state.lastError, null));
            }
        }
        return lines;
    }

    /**
     * Steps 1 and 2: the notice is in the spool, parked, and its id in the state. Returns
     * the parked submission's id, or null when there is nothing to send (no lines, or the
     * sender is &lt;&gt;: no bounce for a bounce). Throws when the notice could not be queued;
     * the state then still asks for it and the next attempt tries again.
     */
    QueueId prepare(QueuedMessage m, DsnBuilder.Kind kind, List<DsnBuilder.Line> lines, Duration maxLifetime,
            String mailerDaemon) throws IOException {
        if (lines.isEmpty()) {
            return null;
        }
        if (m.envelope.isNullSender()) {
            MAILLOG.info("dropped {} notice id={}: the sender is <> (no bounce for a bounce)", kind, m.id);
            return null;
        }
        QueueId id = QueueIds.next();
        m.state.pendingNotices.put(kind, id.value());
        sink.writeState(m);
        boolean utf8 = m.envelope.sender().needsSmtpUtf8()
                || lines.stream().anyMatch(l -> l.recipient().address().needsSmtpUtf8());
        Envelope dsn = new Envelope(null, List.of(Recipient.of(m.envelope.sender())), BodyType.EIGHT_BIT_MIME, utf8,
                -1, null, null, Origin.local("local"));
        Instant arrival = m.envelope.origin().received();
        try (CoreSubmission sub = sink.beginParked(dsn, id)) {
            DsnBuilder.write(sub.content(), kind, m.id, m.envelope, arrival, lines, sink.content(m), serverName,
                    mailerDaemon, arrival.plus(maxLifetime));
            sub.commit();
        } catch (QueueException e) {
            m.state.pendingNotices.remove(kind);
            throw new IOException("cannot queue the " + kind + " notice: " + e.getMessage(), e);
        }
        MAILLOG.info("sent {} notice id={} for id={} to=<{}>", kind, id, m.id, m.envelope.sender());
        tracking.record(m.id.value(), m.messageId, TrackEvent.Kind.NOTICE, m.envelope.sender().toString(), null, null,
                kind + " notice queued as " + id);
        return id;
    }

    static void log(Exception e, QueuedMessage m) {
        LOG.error("Notice for {} not sent yet: {}", m.id, e.getMessage());
    }
}
