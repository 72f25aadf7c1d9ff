package org.postrider.patmos;

import java.util.List;

/**
 * What the server did with one message: accepted (durably queued as {@code queueId}, the
 * recipients' results beside it) or refused as a whole, temporarily or for good.
 *
 * @param duplicate the server had this transfer id already: it was not queued again
 */
public record Outcome(String transferId, Status status, String queueId, boolean duplicate, String enhancedStatus,
        String text, List<RecipientOutcome> recipients) {
    /** The message's fate. */
    public enum Status { ACCEPTED, REFUSED_TEMPORARILY, REFUSED }

    /** One recipient's result: accepted, or refused with the server's status and text. */
    public record RecipientOutcome(String address, Status status, String enhancedStatus, String text) {
    }

    public Outcome {
        recipients = List.copyOf(recipients);
    }

    /** Accepted for every recipient. */
    public boolean allAccepted() {
        return status == Status.ACCEPTED && recipients.stream().allMatch(r -> r.status() == Status.ACCEPTED);
    }
}
