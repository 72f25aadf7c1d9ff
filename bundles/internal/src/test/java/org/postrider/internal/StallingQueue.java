package org.postrider.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.postrider.api.message.Envelope;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Submission;

/**
 * A queue whose content streams take nothing while a gate is closed: the receiving server
 * stops reading its client, whose writes then block (a stalled peer, for the link's sweeper
 * and the client library's timeouts).
 */
final class StallingQueue {
    private StallingQueue() {
    }

    /** {@code q}, each write to a content stream waiting for the latch {@code gate} gives (none: no wait). */
    static MailQueue of(MailQueue q, Supplier<CountDownLatch> gate) {
        return new MailQueue() {
            @Override
            public Submission begin(Envelope envelope) throws QueueException {
                return begin(envelope, null);
            }

            @Override
            public Submission begin(Envelope envelope, String key) throws QueueException {
                Submission s = q.begin(envelope, key);
                return new Submission() {
                    @Override
                    public OutputStream content() {
                        OutputStream out = s.content();
                        return new java.io.FilterOutputStream(out) {
                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                                CountDownLatch latch = gate.get();
                                if (latch != null) {
                                    try {
                                        latch.await();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        throw new java.io.InterruptedIOException();
                                    }
                                }
                                out.write(b, off, len);
                            }
                        };
                    }

                    @Override
                    public QueueId commit() throws QueueException {
                        return s.commit();
                    }

                    @Override
                    public void close() {
                        s.close();
                    }
                };
            }

            @Override
            public Optional<QueueId> committedWith(String key) {
                return q.committedWith(key);
            }
        };
    }
}
