/**
 * The one line-protocol core shared by SMTP, POP3 and IMAP: the listener (one virtual
 * thread per connection), CRLF-only framing with a bounded line length, per-command
 * deadlines and idle timeouts, per-address and total connection limits, implicit TLS and
 * STARTTLS (refused when plaintext is buffered behind the command), authentication
 * failure delays, connection accounting and a graceful stop. Protocols implement
 * {@link org.postrider.lineserver.SessionHandler}; they never touch sockets directly.
 */
@Export
@Version("2.4.0")
package org.postrider.lineserver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
