package org.postrider.lineserver;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose one platform thread runs only while it has a task: made for the first
 * task, ended when the last one is cancelled or has run. A static executor made at class
 * initialisation and never shut down outlives its bundle: every refresh or update of
 * lineserver left one more thread, and through it the old revision's class loader. This one
 * follows its use: after lineserver's stop, once its listeners stopped and no socket of
 * theirs lingers, none is left; the same classes started again (a stop and start without
 * refresh) make one again for their next task, as a plain test outside OSGi does for its first.
 */
final class DemandScheduler {
    private final String threadName;
    /** Null while no task is scheduled. */
    private ScheduledThreadPoolExecutor executor;
    /** Tasks scheduled and not yet ended (cancelled, or a one-shot that has run). */
    private int tasks;

    DemandScheduler(String threadName) {
        this.threadName = threadName;
    }

    /** Runs {@code task} every {@code period} (the first after one period) until cancelled. */
    synchronized Task every(Duration period, Runnable task) {
        Task t = new Task();
        long millis = period.toMillis();
        t.future = counted(e -> e.scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS));
        return t;
    }

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    synchronized Task after(Duration delay, Runnable task) {
        Task t = new Task();
        t.future = counted(e -> e.schedule(() -> t.runOnce(task), delay.toMillis(), TimeUnit.MILLISECONDS));
        return t;
    }

    /**
     * Schedules on the executor (made if there is none) and counts the task once scheduled: a
     * schedule that throws (no thread could be made) leaves no count that would keep the
     * executor, and its thread, for ever.
     */
    private ScheduledFuture<?> counted(java.util.function.Function<ScheduledThreadPoolExecutor, ScheduledFuture<?>> schedule) {
        ScheduledThreadPoolExecutor e = take();
        ScheduledFuture<?> f;
        try {
            f = schedule.apply(e);
        } catch (RuntimeException | Error x) {
            if (tasks == 0) {
                e.shutdownNow();
                executor = null;
            }
            throw x;
        }
        tasks++;
        return f;
    }

    private ScheduledThreadPoolExecutor take() {
        if (executor == null) {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                // nothing of the thread that happened to schedule first (a bundle's context class
                // loader, its inheritable thread locals) is held for as long as this one runs
                Thread t = Thread.ofPlatform().name(threadName).daemon().inheritInheritableThreadLocals(false)
                        .unstarted(r);
                t.setContextClassLoader(null);
                return t;
            });
            e.setRemoveOnCancelPolicy(true); // a cancelled task does not hold what it refers to for its delay
            e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            e.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
            executor = e;
        }
        return executor;
    }

    private void release() {
        if (--tasks == 0) {
            executor.shutdown(); // a task running now finishes; then the thread ends
            executor = null;
        }
    }

    /** A scheduled task. */
    final class Task {
        private ScheduledFuture<?> future;
        private boolean running;
        private boolean ended;

        private Task() {
        }

        /**
         * Cancels the task. A periodic one's run under way finishes; a one-shot already running
         * ends when it has run, and keeps the thread until then, so a task scheduled meanwhile
         * runs after it, on the same thread.
         */
        void cancel() {
            synchronized (DemandScheduler.this) {
                if (ended || running) {
                    return;
                }
                ended = true;
                if (future != null) {
                    future.cancel(false);
                }
                release();
            }
        }

        private void runOnce(Runnable task) {
            synchronized (DemandScheduler.this) {
                if (ended) {
                    return; // cancelled as it came due
                }
                running = true;
            }
            try {
                task.run();
            } finally {
                synchronized (DemandScheduler.this) {
                    running = false;
                    ended = true;
                    release();
                }
            }
        }
    }
}
