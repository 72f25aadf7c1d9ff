package org.postrider.api.track;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What this server recorded about messages, found by Message-ID. */
@ProviderType
public interface MessageTracking {
    /**
     * This server's events for a message, oldest first, at most {@code limit}.
     *
     * @param messageId the Message-ID, with or without angle brackets
     */
    List<TrackEvent> find(String messageId, int limit);
}
