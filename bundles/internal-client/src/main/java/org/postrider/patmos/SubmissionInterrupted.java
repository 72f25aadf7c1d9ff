package org.postrider.patmos;

import java.io.IOException;
import java.util.List;

/**
 * The connection failed in the middle of {@link PatmosClient#submitAll}: the messages answered
 * before it have their outcomes here (queued or refused, recipient by recipient, as final as
 * any); the others may or may not be queued: send them again with the same transfer ids.
 */
public final class SubmissionInterrupted extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient List<Outcome> answered;
    private final transient List<String> unanswered;

    public SubmissionInterrupted(IOException cause, List<Outcome> answered, List<String> unanswered) {
        super(cause.getMessage(), cause);
        this.answered = List.copyOf(answered);
        this.unanswered = List.copyOf(unanswered);
    }

    /** The outcomes of the messages answered before the failure, in their order. */
    public List<Outcome> answered() {
        return answered;
    }

    /** The transfer ids of the messages without an answer, in their order. */
    public List<String> unanswered() {
        return unanswered;
    }
}
