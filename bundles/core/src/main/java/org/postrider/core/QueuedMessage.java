package org.postrider.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postrider.api.message.Envelope;
import org.postrider.api.queue.QueueId;

/**
 * One queued message and the single owner of its state. Everything that reads or changes
 * the {@link MessageState} (a delivery attempt, hold, release, bounce, delete) runs in the
 * message's turn: under one lock, one at a time, so an administrator's command never
 * interleaves with an attempt. Requests for an attempt are never lost: a request made while
 * an attempt runs starts another one right after it, so a retry-now or flush between an
 * attempt's reschedule and its end cannot leave the message without a next attempt.
 */
final class QueuedMessage {
    final QueueId id;
    /**
     * The envelope without its typed property set: a set may be 1 MB, and a queue of messages
     * waiting for a server that is down would hold them all; it stays in the spool header and
     * is read from there when the message goes to the internal transport.
     */
    final Envelope envelope;
    /** The typed property set's size in octets, or -1 when the message has none. */
    final int propertiesSize;
    final long contentOffset;
    /** Read and written only in this message's turn (shown by queue: commands as a snapshot). */
    final MessageState state;
    /** The Message-ID for tracking, as the submission saw it; null after a restart (tracking then keys by id). */
    volatile String messageId;
    /** The last deferral written to the tracking journal, so a repeated one is not written again. */
    volatile String lastTrackedDeferral;

    private final ReentrantLock turn = new ReentrantLock(true);
    private final AtomicBoolean attemptRequested = new AtomicBoolean();
    private final Object timerLock = new Object();
    private ScheduledFuture<?> timer;
    private volatile boolean running;
    private volatile boolean removed;
    /** Notices about this message committed but not scheduled until its state records them (in turn). */
    final List<QueueId> parkedNotices = new ArrayList<>();
    /** The failure notice of a finished message is in the spool (or was not needed); in turn. */
    boolean failureNoticeQueued;
    /** The service whose absence deferred the last attempt ("directory", "store", a transport), or null. */
    volatile String waitingFor;

    QueuedMessage(QueueId id, Envelope envelope, long contentOffset, MessageState state) {
        this.id = id;
        this.envelope = envelope.properties() == null ? envelope : envelope.withProperties(null);
        this.propertiesSize = envelope.properties() == null ? -1 : envelope.properties().size();
        this.contentOffset = contentOffset;
        this.state = state;
    }

    boolean running() {
        return running;
    }

    boolean removed() {
        return removed;
    }

    /** Marks the message gone (delivered, bounced, deleted); called in its turn. */
    void markRemoved() {
        removed = true;
        cancelTimer();
    }

    /**
     * Asks for an attempt after the delay; an earlier timer is replaced. The attempt itself
     * runs on the workers, in the message's turn.
     */
    void scheduleAttempt(long delayMillis, ScheduledExecutorService timers, Executor workers,
            Consumer<QueuedMessage> attempt) {
        synchronized (timerLock) {
            if (timer != null) {
                timer.cancel(false);
            }
            if (removed) {
                return;
            }
            try {
                timer = timers.schedule(() -> requestAttempt(workers, attempt), Math.max(0, delayMillis),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the queue is stopping; the message stays in the spool for the next start
            }
        }
    }

    void cancelTimer() {
        synchronized (timerLock) {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /** Starts an attempt now unless one is already waiting for its turn. */
    void requestAttempt(Executor workers, Consumer<QueuedMessage> attempt) {
        if (!attemptRequested.compareAndSet(false, true)) {
            return; // an attempt that has not yet begun will see the current state anyway
        }
        try {
            workers.execute(() -> inTurn(() -> {
                attemptRequested.set(false);
                if (removed) {
                    return;
                }
                running = true;
                try {
                    attempt.accept(this);
                } finally {
                    running = false;
                }
            }));
        } catch (RejectedExecutionException stopping) {
            attemptRequested.set(false);
        }
    }

    /** Runs the action in the message's turn, waiting for a running attempt to finish. */
    void inTurn(Runnable action) {
        turn.lock();
        try {
            action.run();
        } finally {
            turn.unlock();
        }
    }

    /**
     * Runs the action in the message's turn if it comes within the wait; otherwise hands it
     * to the workers to run as soon as the turn is free. Returns whether it ran already.
     */
    boolean inTurnSoon(Runnable action, long waitMillis, Executor workers) throws InterruptedException {
        if (turn.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
            try {
                action.run();
            } finally {
                turn.unlock();
            }
            return true;
        }
        workers.execute(() -> inTurn(action));
        return false;
    }
}
