package org.postrider.api.queue;

/** The queue could not take a message (disk full, I/O error, stopping); the listener answers 4xx. */
public class QueueException extends Exception {
    private static final long serialVersionUID = 1L;

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }

    public QueueException(String message) {
        super(message);
    }
}
