package org.postrider.api.track;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Asks another server of the organisation what it recorded about a message, over the
 * internal transport's authenticated link (the internal transport provides it).
 */
@ProviderType
public interface RemoteTracking {
    /** That server's events for the message, oldest first, at most {@code limit}. */
    List<TrackEvent> ask(String server, String messageId, int limit, Duration timeout) throws IOException;
}
