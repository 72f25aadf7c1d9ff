/** The envelope and message content handed from listeners to the queue. */
@Export
@Version("1.4.0")
package org.postrider.api.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
