package org.postrider.sockets;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Listening sockets handed from one revision of a bundle to the next. A refresh of the
 * lineserver bundle (or of the api, which refreshes it) stops it and starts a new revision
 * with classes, and static state, of its own: the sockets its listeners bound would be
 * closed, and the clients waiting in their backlogs reset. Kept here instead, in a bundle
 * the refresh does not touch, they are taken over by the next revision's listeners.
 */
@ProviderType
public interface ListeningSockets {
    /**
     * A bound listening socket and the clients already accepted on it that no listener
     * serves yet; the next listener serves them first.
     */
    record Kept(ServerSocket socket, List<Socket> accepted) {
        public Kept {
            accepted = List.copyOf(accepted);
        }
    }

    /**
     * Keeps a socket under a key (for lineserver: the listener's name and address) until it
     * is taken, or for {@code linger}, after which it and its clients are closed. A socket
     * kept under that key before is closed.
     */
    void keep(String key, Kept kept, Duration linger);

    /** The socket kept under the key, now the caller's; null if none is. */
    Kept take(String key);

    /** The keys kept now. */
    Set<String> keys();
}
