/**
 * The organisation: the servers that share one Directory and talk to each other over the
 * internal transport, and which of them relays mail for the Internet.
 */
@Export
@Version("1.0.0")
package org.postrider.api.org;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
