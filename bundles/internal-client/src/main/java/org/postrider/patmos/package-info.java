/**
 * Patmos, the client library of the internal transport's client submission (role 2 of
 * docs/internal-protocol.md): a user of the organisation submits messages to its mailbox
 * server, as RFC 5322 text or as a typed property set the server maps to MIME. A plain
 * library: it runs outside OSGi with the API and mapi jars on its class path.
 */
@Export
@Version("1.1.0")
package org.postrider.patmos;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
