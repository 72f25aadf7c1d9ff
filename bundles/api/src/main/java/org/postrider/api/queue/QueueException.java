package org.postrider.api.queue;

/**
 * The queue could not take a message. Temporary (disk full, I/O error, stopping): the
 * listener answers 4xx and the client retries. Permanent (a mail loop, too many hops): 5xx.
 */
public class QueueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    public QueueException(String message, Throwable cause) {
        super(message, cause);
        this.permanent = false;
    }

    public QueueException(String message) {
        this(message, false);
    }

    public QueueException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
