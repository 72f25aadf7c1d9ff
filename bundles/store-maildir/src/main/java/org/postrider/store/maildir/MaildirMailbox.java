package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.postrider.api.store.Folder;
import org.postrider.api.store.Mailbox;
import org.postrider.api.store.StoreException;
import org.postrider.kit.durable.DurableFiles;

/** A user's folders, as Maildir++ subdirectories of the user's Maildir. */
final class MaildirMailbox implements Mailbox {
    private final MaildirStore store;
    private final String user;

    MaildirMailbox(MaildirStore store, String user) {
        this.store = store;
        this.user = user;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public List<String> folders() throws StoreException {
        return store.folderNames(user);
    }

    @Override
    public Folder open(String folder) throws StoreException {
        String name = FolderNames.canonical(folder);
        if (!name.equals(FolderNames.INBOX) && !folders().contains(name)) {
            throw new StoreException("no folder " + name, false);
        }
        FolderHandle f = store.folder(user, name);
        f.refresh(); // cheap when new/ and cur/ are as the index last saw them
        return f;
    }

    @Override
    public void create(String folder) throws StoreException {
        String name = FolderNames.canonical(folder);
        if (folders().contains(name)) {
            throw new StoreException("folder " + name + " exists already", false);
        }
        store.createFolder(user, name);
    }

    @Override
    public void delete(String folder) throws StoreException {
        String name = FolderNames.canonical(folder);
        if (name.equals(FolderNames.INBOX)) {
            throw new StoreException("INBOX cannot be deleted", false);
        }
        if (!folders().contains(name)) {
            throw new StoreException("no folder " + name, false);
        }
        Path dir = FolderNames.folderDir(store.userDir(user), name);
        store.forget(user, dir);
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(all.toList());
            paths.sort((a, b) -> b.getNameCount() - a.getNameCount());
            for (Path p : paths) {
                Files.delete(p);
            }
            DurableFiles.syncDirectory(dir.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot delete folder " + name + ": " + e.getMessage(), true, e);
        } finally {
            store.forget(user, dir); // the usage summed while deleting counted some of it
        }
    }

    @Override
    public void rename(String from, String to) throws StoreException {
        String a = FolderNames.canonical(from);
        String b = FolderNames.canonical(to);
        if (a.equals(FolderNames.INBOX) || b.equals(FolderNames.INBOX)) {
            throw new StoreException("renaming INBOX is not supported", false);
        }
        List<String> existing = folders();
        if (!existing.contains(a)) {
            throw new StoreException("no folder " + a, false);
        }
        if (existing.contains(b)) {
            throw new StoreException("folder " + b + " exists already", false);
        }
        Path userDir = store.userDir(user);
        try {
            for (String name : existing) {
                if (name.equals(a) || name.startsWith(a + "/")) {
                    Path src = FolderNames.folderDir(userDir, name);
                    Path dst = FolderNames.folderDir(userDir, b + name.substring(a.length()));
                    store.moveFolder(user, src, dst);
                }
            }
            DurableFiles.syncDirectory(userDir);
        } catch (IOException e) {
            throw new StoreException("cannot rename " + a + ": " + e.getMessage(), true, e);
        }
    }
}
