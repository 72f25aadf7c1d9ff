/** Gateways to foreign mail systems, chosen by address space (type, pattern, cost). */
@Export
@Version("1.1.0")
package org.postrider.api.gateway;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
