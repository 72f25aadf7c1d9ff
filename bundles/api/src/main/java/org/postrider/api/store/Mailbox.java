package org.postrider.api.store;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One user's mailbox: a tree of folders. Folder names are IMAP names with "/" as the
 * hierarchy separator and "INBOX" as the inbox; the store maps them to storage through
 * an escaping layer, never to a path taken from the name.
 */
@ProviderType
public interface Mailbox {
    String user();

    List<String> folders() throws StoreException;

    Folder open(String folder) throws StoreException;

    void create(String folder) throws StoreException;

    void delete(String folder) throws StoreException;

    void rename(String from, String to) throws StoreException;
}
