/** The Information Store: mailboxes, folders, messages, flags, UIDs and change events. */
@Export
@Version("1.0.0")
package org.postrider.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
