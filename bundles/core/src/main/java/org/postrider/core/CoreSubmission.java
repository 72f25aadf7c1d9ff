package org.postrider.core;

import java.io.IOException;
import java.io.OutputStream;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Submission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A message being written into the spool; committed only once it is durable. */
final class CoreSubmission implements Submission {
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");

    private final CoreQueue queue;
    private final Spool.Writer writer;
    private final int maxHops;
    private final boolean scheduleOnCommit;
    private boolean done;

    /** scheduleOnCommit false: a notice, parked until the message it reports on records it. */
    CoreSubmission(CoreQueue queue, Spool.Writer writer, int maxHops, boolean scheduleOnCommit) {
        this.queue = queue;
        this.writer = writer;
        this.maxHops = maxHops;
        this.scheduleOnCommit = scheduleOnCommit;
    }

    @Override
    public OutputStream content() {
        return writer.content;
    }

    @Override
    public QueueId commit() throws QueueException {
        if (done) {
            throw new IllegalStateException("submission already finished");
        }
        done = true;
        if (writer.content.hops() > maxHops) {
            writer.abort();
            throw new QueueException("5.4.6 too many hops (" + writer.content.hops() + " Received fields): mail loop",
                    true);
        }
        try {
            if (writer.key != null) {
                QueueId earlier = writer.commitOnce();
                if (earlier != null) {
                    // a retransmission: the message is queued (or was delivered) already
                    MAILLOG.info("retransmission proto={} client={} is id={}: not queued again",
                            writer.envelope.origin().protocol(), writer.envelope.origin().clientAddress(), earlier);
                    return earlier;
                }
            } else {
                writer.commit();
            }
        } catch (IOException e) {
            writer.abort();
            throw new QueueException("4.3.0 cannot write to the queue: " + e.getMessage(), e);
        }
        queue.accepted(writer, scheduleOnCommit);
        return writer.id;
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            writer.abort();
        }
    }
}
