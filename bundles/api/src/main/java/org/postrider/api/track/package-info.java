/**
 * Message tracking across the organisation, as Exchange's System Attendant kept it: each
 * server records what it did with each message, and an administrator follows a message by
 * its Message-ID from server to server.
 */
@Export
@Version("1.0.0")
package org.postrider.api.track;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
