/** Text codecs shared by implementation bundles. */
@Export
@Version("1.1.0")
package org.postrider.kit.text;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
