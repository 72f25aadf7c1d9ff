package org.postrider.store.maildir;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.store.FolderInfo;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
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

    @Descriptor("list a user's folders with their message counts, special use and subscription")
    public String folders(@Descriptor("the user, e.g. alice@example.org") String user) throws StoreException {
        StringBuilder sb = new StringBuilder();
        for (FolderInfo f : store.folders(user)) {
            FolderSummary s = store.summary(user, f.name());
            sb.append(String.format("%-30s %8d messages %12d bytes %-9s %s%n", f.name(), s.messages(), s.bytes(),
                    f.specialUse() == null ? "" : f.specialUse().attribute(), f.subscribed() ? "subscribed" : ""));
        }
        return sb.toString();
    }

    @Descriptor("list the messages of a folder (default INBOX): UID, size, flags, MODSEQ, keywords")
    public String list(@Descriptor("the user") String user, @Descriptor("the folder") String... folder)
            throws StoreException {
        FolderRef ref = FolderRef.of(user, folder.length > 0 ? folder[0] : "INBOX");
        StringBuilder sb = new StringBuilder();
        for (MessageMeta m : store.messages(ref, store.uids(ref))) {
            sb.append(String.format("%8d %10d %-6s modseq=%d %s%n", m.uid(), m.size(),
                    MaildirName.letters(m.flags()), m.modSeq(), String.join(",", m.keywords())));
        }
        return sb.toString();
    }

    @Descriptor("show UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, counts and size of a folder (default INBOX)")
    public String info(@Descriptor("the user") String user, @Descriptor("the folder") String... folder)
            throws StoreException {
        FolderSummary s = store.summary(user, folder.length > 0 ? folder[0] : "INBOX");
        return "folder:        " + s.folder() + "\nuidvalidity:   " + s.uidValidity() + "\nuidnext:       "
                + s.uidNext() + "\nhighestmodseq: " + s.highestModSeq() + "\nmessages:      " + s.messages()
                + "\nunseen:        " + s.unseen() + "\nrecent:        " + s.recent() + "\nbytes:         "
                + s.bytes() + "\n";
    }

    @Descriptor("rebuild a folder's index from the Maildir (default: every folder of the user); UIDs and keywords"
            + " the index proves are kept, and the new index replaces the old one only when complete")
    public String reindex(@Descriptor("the user") String user, @Descriptor("the folder") String... folder)
            throws StoreException {
        List<String> names = folder.length > 0 ? List.of(folder[0]) : store.folderNames(user);
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            store.folder(user, n).call(f -> {
                f.reindex();
                return null;
            });
            FolderSummary s = store.summary(user, n);
            sb.append(n).append(": ").append(s.messages()).append(" messages, uidnext ").append(s.uidNext())
                    .append('\n');
        }
        return sb.toString();
    }

    @Descriptor("show the store's open folders and the work it did on disk since start")
    public String stats() {
        StoreStats s = store.stats();
        return "open folders:     " + store.openFolders() + " (maxOpenFolders " + store.maxOpenFolders() + ")\n"
                + "index memory:     " + store.openFootprint() / 1024 + " KiB (maxIndexMemoryMiB "
                + (store.maxIndexMemory() >> 20) + ")\n"
                + "evictions:        " + s.evictions.sum() + "\nindex loads:      " + s.loads.sum()
                + "\ndirectory scans:  " + s.scans.sum() + "\nsizes read:       " + s.sizesRead.sum()
                + " (" + s.sizeBytesRead.sum() + " octets)"
                + "\nsizes from names: " + s.sizesNamed.sum() + "\n";
    }

    @Descriptor("show a user's usage")
    public String quota(@Descriptor("the user") String user) throws StoreException {
        long[] u = store.usage(user);
        return user + ": " + u[1] + " messages, " + u[0] + " bytes (limits: dir:user-show)";
    }
}
