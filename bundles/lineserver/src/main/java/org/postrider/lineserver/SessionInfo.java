package org.postrider.lineserver;

import java.net.InetSocketAddress;
import java.time.Instant;

/** What an administrator sees of one open session. */
public record SessionInfo(String listener, InetSocketAddress remote, Instant since, boolean secure, String user) {
}
