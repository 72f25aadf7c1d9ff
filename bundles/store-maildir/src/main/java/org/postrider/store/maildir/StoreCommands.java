package org.postrider.store.maildir;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.kit.gogo.CommandRegistrar;

/** The {@code store:} Gogo scope. */
@Component(immediate = true, service = {})
public class StoreCommands {
    private final MaildirStore store;
    private final CommandRegistrar registrar;

    @Activate
    public StoreCommands(BundleContext context, @Reference MaildirStore store) {
        this.store = store;
        this.registrar = CommandRegistrar.register(context, "store", this);
    }

    @Deactivate
    void deactivate() {
        registrar.close();
    }

    @Descriptor("list a user's folders with their message counts")
    public String folders(@Descriptor("the user, e.g. alice@example.org") String user) throws StoreException {
        StringBuilder sb = new StringBuilder();
        for (String f : store.folderNames(user)) {
            long[] u = store.folder(user, f).usage();
            sb.append(String.format("%-30s %8d messages %12d bytes%n", f, u[1], u[0]));
        }
        return sb.toString();
    }

    @Descriptor("list the messages of a folder (default INBOX): UID, size, flags, MODSEQ")
    public String list(@Descriptor("the user") String user, @Descriptor("the folder") String... folder)
            throws StoreException {
        FolderHandle f = store.folder(user, folder.length > 0 ? folder[0] : "INBOX");
        f.refresh();
        StringBuilder sb = new StringBuilder();
        for (MessageMeta m : f.messages()) {
            sb.append(String.format("%8d %10d %-6s modseq=%d %s%n", m.uid(), m.size(),
                    MaildirName.letters(m.flags()), m.modSeq(), String.join(",", m.keywords())));
        }
        return sb.toString();
    }

    @Descriptor("show UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and size of a folder (default INBOX)")
    public String info(@Descriptor("the user") String user, @Descriptor("the folder") String... folder)
            throws StoreException {
        FolderHandle f = store.folder(user, folder.length > 0 ? folder[0] : "INBOX");
        f.refresh();
        long[] u = f.usage();
        return "folder:        " + f.name() + "\nuidvalidity:   " + f.uidValidity() + "\nuidnext:       "
                + f.uidNext() + "\nhighestmodseq: " + f.highestModSeq() + "\nmessages:      " + u[1]
                + "\nbytes:         " + u[0] + "\n";
    }

    @Descriptor("rebuild a folder's index from the Maildir (default: every folder of the user); UIDs and keywords"
            + " the index proves are kept, and the new index replaces the old one only when complete")
    public String reindex(@Descriptor("the user") String user, @Descriptor("the folder") String... folder)
            throws StoreException {
        List<String> names = folder.length > 0 ? List.of(folder[0]) : store.folderNames(user);
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            FolderHandle f = store.folder(user, n);
            f.reindex();
            sb.append(n).append(": ").append(f.usage()[1]).append(" messages, uidnext ").append(f.uidNext())
                    .append('\n');
        }
        return sb.toString();
    }

    @Descriptor("show the store's open folders and the work it did on disk since start")
    public String stats() {
        StoreStats s = store.stats();
        return "open folders:     " + store.openFolders() + " (maxOpenFolders " + store.maxOpenFolders() + ")\n"
                + "evictions:        " + s.evictions.sum() + "\nindex loads:      " + s.loads.sum()
                + "\ndirectory scans:  " + s.scans.sum() + "\n";
    }

    @Descriptor("show a user's usage")
    public String quota(@Descriptor("the user") String user) throws StoreException {
        long[] u = store.usage(user);
        return user + ": " + u[1] + " messages, " + u[0] + " bytes (limits: dir:user-show)";
    }
}
