/** Holding a dynamically bound service across its replacement. */
@Version("1.0.0")
@Export
package org.postrider.kit.service;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
