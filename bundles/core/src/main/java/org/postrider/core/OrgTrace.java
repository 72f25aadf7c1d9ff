package org.postrider.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.postrider.api.track.MessageTracking;
import org.postrider.api.track.RemoteTracking;
import org.postrider.api.track.TrackEvent;

/**
 * Follows a message across the organisation: this server's events, then those of each
 * organisation server it came from or was handed to over the internal transport, breadth
 * first, each server asked once, at most {@link #MAX_SERVERS}. A server that cannot be
 * asked is named in the result, not skipped silently.
 */
final class OrgTrace {
    static final int MAX_SERVERS = 32;
    static final int MAX_EVENTS = 1000;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The events found, oldest first, and the servers that could not be asked, with why. */
    record Result(List<TrackEvent> events, List<String> unreachable) {
    }

    private OrgTrace() {
    }

    /**
     * @param isOrgServer whether a name is a server of the organisation (other hops, an MX
     *                    or a mailbox, are where the trail leaves the organisation)
     * @param remote      null when no internal transport is installed: only local events
     */
    static Result follow(String self, String messageId, MessageTracking local, RemoteTracking remote,
            Predicate<String> isOrgServer) {
        List<TrackEvent> events = new ArrayList<>(local.find(messageId, MAX_EVENTS));
        List<String> unreachable = new ArrayList<>();
        Set<String> asked = new LinkedHashSet<>(List.of(self.toLowerCase(java.util.Locale.ROOT)));
        Deque<String> next = new ArrayDeque<>();
        enqueue(events, asked, next, isOrgServer);
        while (!next.isEmpty() && asked.size() <= MAX_SERVERS && events.size() < MAX_EVENTS) {
            String server = next.poll();
            if (remote == null) {
                unreachable.add(server + ": no internal transport installed");
                continue;
            }
            try {
                List<TrackEvent> theirs = remote.ask(server, messageId, MAX_EVENTS - events.size(), TIMEOUT);
                events.addAll(theirs);
                enqueue(theirs, asked, next, isOrgServer);
            } catch (Exception e) {
                unreachable.add(server + ": " + e.getMessage());
            }
        }
        events.sort(Comparator.comparing(TrackEvent::time));
        return new Result(List.copyOf(events), List.copyOf(unreachable));
    }

    private static void enqueue(List<TrackEvent> events, Set<String> asked, Deque<String> next,
            Predicate<String> isOrgServer) {
        for (TrackEvent e : events) {
            if (!"internal".equals(e.via()) || e.peer() == null) {
                continue;
            }
            String server = e.peer().split(" ", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (isOrgServer.test(server) && asked.size() < MAX_SERVERS + 1 && asked.add(server)) {
                next.add(server);
            }
        }
    }
}
