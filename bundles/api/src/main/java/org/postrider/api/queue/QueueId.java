package org.postrider.api.queue;

import java.util.Objects;

/**
 * The id the queue gives an accepted message ("250 queued as ..."). It is made of
 * letters and digits only, so it is safe in file names, replies and logs.
 */
public record QueueId(String value) {
    public QueueId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > 64 || !value.chars().allMatch(QueueId::allowed)) {
            throw new IllegalArgumentException("invalid queue id");
        }
    }

    private static boolean allowed(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    @Override
    public String toString() {
        return value;
    }
}
