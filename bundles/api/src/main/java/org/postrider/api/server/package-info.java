/** What a running server exposes: listeners and their state. */
@Export
@Version("1.0.0")
package org.postrider.api.server;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
