package org.postrider.store.maildir;

import org.postrider.api.store.StoreException;

/** The folder does not exist (or no longer: deleted or renamed meanwhile); not temporary. */
final class NoSuchFolderException extends StoreException {
    private static final long serialVersionUID = 1L;

    NoSuchFolderException(String folder) {
        super("no folder " + folder, false);
    }
}
