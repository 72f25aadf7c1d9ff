/** The queue, router and delivery-agent contracts: how mail moves. */
@Export
@Version("1.2.0")
package org.postrider.api.queue;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
