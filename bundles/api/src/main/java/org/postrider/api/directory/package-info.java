/** The Directory: domains, users, aliases, distribution lists, home servers, authentication. */
@Export
@Version("2.0.0")
package org.postrider.api.directory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
