package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.postrider.api.store.FolderInfo;
import org.postrider.api.store.SpecialUse;
import org.postrider.api.store.StoreException;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's folders as Maildir++ subdirectories: listing, creating, deleting, renaming,
 * subscriptions ({@code postrider-subscriptions}) and special uses ({@code postrider-specialuse}),
 * one escaped name a line, each file replaced atomically. A new mailbox gets INBOX and the
 * special-use folders, subscribed. Changes of one user's tree are serialised by a lock of
 * that user's alone: a deletion or rename holds it while it waits for the user's busy folders.
 */
final class FolderTree {
    private static final Logger LOG = LoggerFactory.getLogger(FolderTree.class);
    static final String SUBSCRIPTIONS = "postrider-subscriptions";
    static final String SPECIAL_USE = "postrider-specialuse";
    /**
     * The highest UIDVALIDITY handed out to a folder of the user or had by one whose name
     * became free (deleted, renamed away): a folder created later gets one above it, never its
     * predecessor's (RFC 3501 2.3.1.1) nor another folder's, even within the same second
     * ({@link UidValidities}).
     */
    static final String VALIDITY_FLOOR = UidValidities.FLOOR;
    /** The folders a new mailbox gets, and their uses. */
    static final Map<String, SpecialUse> DEFAULTS;

    static {
        Map<String, SpecialUse> d = new LinkedHashMap<>();
        d.put("Drafts", SpecialUse.DRAFTS);
        d.put("Sent", SpecialUse.SENT);
        d.put("Trash", SpecialUse.TRASH);
        d.put("Junk", SpecialUse.JUNK);
        d.put("Archive", SpecialUse.ARCHIVE);
        DEFAULTS = d;
    }

    /** A deleted folder's directory is renamed to this and a random suffix, then removed. */
    static final String DELETED = "postrider-deleted.";

    private final MaildirStore store;
    /** The users whose trees are being changed now; an entry lives as long as someone holds or waits for it. */
    private final Map<Path, UserLock> locks = new HashMap<>();

    /** One user's lock: a DELETE waiting for a busy folder of one user holds up no other user's tree. */
    private static final class UserLock {
        final ReentrantLock lock = new ReentrantLock();
        int holders;
    }

    FolderTree(MaildirStore store) {
        this.store = store;
    }

    private UserLock lock(Path userDir) {
        UserLock l;
        synchronized (locks) {
            l = locks.computeIfAbsent(userDir, k -> new UserLock());
            l.holders++;
        }
        l.lock.lock();
        return l;
    }

    private void unlock(Path userDir, UserLock l) {
        l.lock.unlock();
        synchronized (locks) {
            if (--l.holders == 0) {
                locks.remove(userDir);
            }
        }
    }

    /**
     * Makes sure a user's mailbox exists: INBOX and, for a new one, the special-use folders.
     * Cheap when it does (one stat).
     */
    Path ensure(String user) throws StoreException {
        Path dir = store.userDir(user);
        if (Files.isDirectory(dir.resolve("cur"))) {
            return dir;
        }
        UserLock l = lock(dir);
        try {
            if (Files.isDirectory(dir.resolve("cur"))) {
                return dir;
            }
            boolean fresh = !Files.exists(dir);
            if (fresh) {
                Map<SpecialUse, String> uses = new EnumMap<>(SpecialUse.class);
                for (Map.Entry<String, SpecialUse> e : DEFAULTS.entrySet()) {
                    MaildirFolder.createDirectories(FolderNames.folderDir(dir, e.getKey()), false);
                    uses.put(e.getValue(), e.getKey());
                }
                writeNames(dir.resolve(SPECIAL_USE), specialUseLines(uses));
                TreeSet<String> subs = new TreeSet<>(DEFAULTS.keySet());
                subs.add(FolderNames.INBOX);
                writeNames(dir.resolve(SUBSCRIPTIONS), new ArrayList<>(subs));
            }
            MaildirFolder.createDirectories(dir, true); // last: its cur/ says the mailbox is complete
            return dir;
        } catch (IOException e) {
            throw new StoreException("cannot create the mailbox of " + user + ": " + e.getMessage(), true, e);
        } finally {
            unlock(dir, l);
        }
    }

    /** Existing folder names of a user, INBOX first; reads directory names only. */
    List<String> names(String user) throws StoreException {
        Path dir = ensure(user);
        List<String> names = new ArrayList<>();
        names.add(FolderNames.INBOX);
        List<String> subs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : ds) {
                String folder = FolderNames.folderOf(p.getFileName().toString());
                if (folder != null && Files.isDirectory(p.resolve("cur"))) {
                    subs.add(folder);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list folders of " + user, true, e);
        }
        subs.sort(null);
        names.addAll(subs);
        return names;
    }

    boolean exists(String user, String canonical) throws StoreException {
        Path dir = ensure(user);
        return canonical.equals(FolderNames.INBOX) || Files.isDirectory(FolderNames.folderDir(dir, canonical)
                .resolve("cur"));
    }

    List<FolderInfo> list(String user) throws StoreException {
        List<String> names = names(user);
        Path dir = store.userDir(user);
        Map<String, SpecialUse> uses = specialUses(dir);
        TreeSet<String> subs = new TreeSet<>(readNames(dir.resolve(SUBSCRIPTIONS)));
        List<FolderInfo> list = new ArrayList<>();
        for (String n : names) {
            list.add(new FolderInfo(n, uses.get(n), subs.contains(n)));
        }
        return list;
    }

    List<String> subscriptions(String user) throws StoreException {
        return readNames(ensure(user).resolve(SUBSCRIPTIONS));
    }

    void subscribe(String user, String folder, boolean on) throws StoreException {
        String name = FolderNames.canonical(folder);
        Path dir = ensure(user);
        UserLock l = lock(dir);
        try {
            TreeSet<String> subs = new TreeSet<>(readNames(dir.resolve(SUBSCRIPTIONS)));
            if (on ? subs.add(name) : subs.remove(name)) {
                writeNames(dir.resolve(SUBSCRIPTIONS), new ArrayList<>(subs));
            }
        } catch (IOException e) {
            throw new StoreException("cannot change subscriptions of " + user + ": " + e.getMessage(), true, e);
        } finally {
            unlock(dir, l);
        }
    }

    void create(String user, String folder, SpecialUse use) throws StoreException {
        String name = FolderNames.canonical(folder);
        Path dir = ensure(user);
        UserLock l = lock(dir);
        try {
            if (exists(user, name)) {
                throw new StoreException("folder " + name + " exists already", false);
            }
            Map<String, SpecialUse> uses = specialUses(dir);
            if (use != null && uses.containsValue(use)) {
                throw new StoreException("another folder has the use " + use.attribute(), false);
            }
            String[] levels = name.split("/");
            for (int i = 1; i <= levels.length; i++) { // parents first, as IMAP CREATE does
                String n = String.join("/", java.util.Arrays.copyOf(levels, i));
                MaildirFolder.createDirectories(FolderNames.folderDir(dir, n), n.equals(FolderNames.INBOX));
            }
            if (use != null) {
                uses.put(name, use);
                writeUses(dir, uses);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create folder " + name + ": " + e.getMessage(), true, e);
        } finally {
            unlock(dir, l);
        }
    }

    void delete(String user, String folder) throws StoreException {
        String name = FolderNames.canonical(folder);
        if (name.equals(FolderNames.INBOX)) {
            throw new StoreException("INBOX cannot be deleted", false);
        }
        Path dir = ensure(user);
        UserLock l = lock(dir);
        try {
            if (!exists(user, name)) {
                throw new NoSuchFolderException(name);
            }
            Path fdir = FolderNames.folderDir(dir, name);
            Path trash;
            do {
                trash = dir.resolve(DELETED + HighWater.newId());
            } while (Files.exists(trash, LinkOption.NOFOLLOW_LINKS));
            Path to = trash;
            // Renamed away with its open instances closed and none opened meanwhile: from the
            // rename on, the name is free and a writer that comes finds no folder (it makes no
            // directory), and the files are removed at leisure, where no one looks.
            store.whileClosed(user, fdir, () -> {
                MaildirFolder.step.at("delete-closed");
                retire(dir, fdir, null);
                DurableFiles.move(fdir, to);
            });
            DurableFiles.syncDirectory(dir);
            removeDeleted(dir);
            Map<String, SpecialUse> uses = specialUses(dir);
            if (uses.remove(name) != null) {
                writeUses(dir, uses);
            }
        } catch (IOException e) {
            throw new StoreException("cannot delete folder " + name + ": " + e.getMessage(), true, e);
        } finally {
            unlock(dir, l);
        }
    }

    /**
     * Removes the directories of deleted folders (sub-folders are siblings, .A.B, so none is
     * under them); one a crash or a failure left is removed at the next deletion.
     */
    private static void removeDeleted(Path userDir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(userDir, DELETED + "*")) {
            for (Path p : ds) {
                try {
                    deleteTree(p);
                } catch (IOException e) {
                    LOG.warn("Cannot remove the deleted folder {}; tried again at the next deletion", p, e);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {} for deleted folders", userDir, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    void rename(String user, String from, String to) throws StoreException {
        String a = FolderNames.canonical(from);
        String b = FolderNames.canonical(to);
        if (a.equals(FolderNames.INBOX) || b.equals(FolderNames.INBOX)) {
            throw new StoreException("renaming INBOX is not supported", false);
        }
        if (b.startsWith(a + "/")) {
            throw new StoreException("a folder cannot move under itself", false);
        }
        Path dir = ensure(user);
        UserLock l = lock(dir);
        try {
            List<String> existing = names(user);
            if (!existing.contains(a)) {
                throw new NoSuchFolderException(a);
            }
            if (existing.contains(b)) {
                throw new StoreException("folder " + b + " exists already", false);
            }
            Map<String, SpecialUse> uses = specialUses(dir);
            Map<String, SpecialUse> renamed = new LinkedHashMap<>();
            for (String n : existing) {
                if (n.equals(a) || n.startsWith(a + "/")) {
                    String m = b + n.substring(a.length());
                    Path src = FolderNames.folderDir(dir, n);
                    Path dst = FolderNames.folderDir(dir, m);
                    // The owner record moves with the folder closed and none opened meanwhile: a
                    // load between the two would take the value back for the old name. A kill
                    // between them leaves a record naming a directory that does not say the value
                    // (no folder at the new name yet, or none at the old any more): the folder's
                    // next load owns it again wherever it is.
                    store.whileClosed(user, src, () -> {
                        retire(dir, src, dst);
                        MaildirFolder.step.at("rename-owned");
                        DurableFiles.move(src, dst);
                    });
                    SpecialUse u = uses.remove(n);
                    if (u != null) {
                        renamed.put(m, u);
                    }
                }
            }
            String[] levels = b.split("/");
            for (int i = 1; i < levels.length; i++) { // the new name's missing parents, as create makes them
                String n = String.join("/", java.util.Arrays.copyOf(levels, i));
                if (!existing.contains(n)) {
                    MaildirFolder.createDirectories(FolderNames.folderDir(dir, n), n.equals(FolderNames.INBOX));
                }
            }
            DurableFiles.syncDirectory(dir);
            if (!renamed.isEmpty()) {
                uses.putAll(renamed);
                writeUses(dir, uses);
            }
        } catch (IOException e) {
            throw new StoreException("cannot rename " + a + ": " + e.getMessage(), true, e);
        } finally {
            unlock(dir, l);
        }
    }

    /**
     * Raises the user's UIDVALIDITY floor to that of a folder whose name becomes free (the
     * floor covers it already unless the folder's UIDVALIDITY was made by an earlier release),
     * and drops its owner record ({@code movedTo} null: deleted) or moves it with the folder.
     */
    private static void retire(Path userDir, Path folderDir, Path movedTo) throws IOException {
        try {
            UidValidities.retire(userDir, folderDir, UidValidities.validityOf(folderDir), movedTo);
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Map<String, SpecialUse> specialUses(Path dir) throws StoreException {
        Map<String, SpecialUse> m = new LinkedHashMap<>();
        for (String line : readNames(dir.resolve(SPECIAL_USE))) {
            int sp = line.indexOf(' ');
            try {
                m.put(line.substring(sp + 1), SpecialUse.valueOf(line.substring(0, sp)));
            } catch (RuntimeException e) {
                // a line of a later version, or damage: that folder has no use
            }
        }
        return m;
    }

    private static List<String> specialUseLines(Map<SpecialUse, String> uses) {
        List<String> lines = new ArrayList<>();
        uses.forEach((u, n) -> lines.add(u.name() + " " + n));
        return lines;
    }

    private static void writeUses(Path dir, Map<String, SpecialUse> uses) throws IOException {
        List<String> lines = new ArrayList<>();
        uses.forEach((n, u) -> lines.add(u.name() + " " + n));
        writeNames(dir.resolve(SPECIAL_USE), lines);
    }

    /** The lines of a names file, unescaped; damaged lines are left out. */
    private static List<String> readNames(Path f) throws StoreException {
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int sp = l.indexOf(' ');
                String head = sp < 0 ? "" : l.substring(0, sp + 1);
                String name = FolderNames.unescape(l.substring(sp + 1));
                if (name != null && !name.isEmpty()) {
                    out.add(head + name);
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw new StoreException("cannot read " + f.getFileName() + ": " + e.getMessage(), true, e);
        }
    }

    private static void writeNames(Path f, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            int sp = l.indexOf(' ');
            boolean use = sp > 0 && f.getFileName().toString().equals(SPECIAL_USE);
            sb.append(use ? l.substring(0, sp + 1) + FolderNames.escape(l.substring(sp + 1)) : FolderNames.escape(l))
                    .append('\n');
        }
        DurableFiles.write(f, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
