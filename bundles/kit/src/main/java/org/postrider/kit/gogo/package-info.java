/** Gogo commands with hyphenated names and help from their descriptors. */
@Export
@Version("1.0.0")
package org.postrider.kit.gogo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
