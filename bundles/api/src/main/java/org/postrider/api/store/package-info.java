/**
 * The Information Store: folders, messages, flags, UIDs, MODSEQs, MIME structure and change
 * hints. Version 2: callers hold names ({@link org.postrider.api.store.FolderRef}), not store
 * objects; listeners are a whiteboard. 2.1: {@link org.postrider.api.store.Quota}. 2.2: a folder found
 * by its UIDVALIDITY ({@link org.postrider.api.store.MailStore#folderOf}). 2.3: summary, messages
 * and changesSince that leave sizes a store has not counted yet uncounted (for SELECT and FLAGS).
 */
@Export
@Version("2.3.0")
package org.postrider.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
