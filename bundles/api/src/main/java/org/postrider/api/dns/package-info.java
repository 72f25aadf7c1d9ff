/** DNS resolution for mail routing: MX, A and AAAA. */
@Export
@Version("1.0.0")
package org.postrider.api.dns;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
