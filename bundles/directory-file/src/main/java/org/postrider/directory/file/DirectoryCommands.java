package org.postrider.directory.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.directory.User;
import org.postrider.kit.gogo.CommandRegistrar;

/** The {@code dir:} Gogo scope: domains, users, aliases, distribution lists, custom recipients, home servers, quotas. */
@Component(immediate = true, service = {})
public class DirectoryCommands {
    private final FileDirectory directory;
    private final CommandRegistrar registrar;

    @Activate
    public DirectoryCommands(BundleContext context, @Reference FileDirectory directory) {
        this.directory = directory;
        this.registrar = CommandRegistrar.register(context, "dir", this);
    }

    @Deactivate
    void deactivate() {
        registrar.close();
    }

    @Descriptor("add a local domain")
    public String domainAdd(@Descriptor("the domain, e.g. example.org") String domain)
            throws IOException, InvalidAddressException {
        directory.addDomain(domain);
        return "domain " + domain + " added";
    }

    @Descriptor("remove a local domain that has no users, aliases or lists left")
    public String domainRemove(@Descriptor("the domain") String domain) throws IOException, InvalidAddressException {
        directory.removeDomain(domain);
        return "domain " + domain + " removed";
    }

    @Descriptor("list the local domains")
    public String domainList() {
        return String.join("\n", directory.snapshot().domains());
    }

    @Descriptor("add a user homed on this server; without PASSWORD it is read from standard input")
    public String userAdd(CommandSession session, @Descriptor("the user's address") String address,
            @Descriptor("the password (better given on standard input)") String... password)
            throws IOException, InvalidAddressException {
        User u = directory.addUser(address, password(session, password));
        return "user " + u.id() + " added (home " + u.homeServer() + ")";
    }

    @Descriptor("remove a user (the mailbox stays in the store)")
    public String userRemove(@Descriptor("the user's address") String address)
            throws IOException, InvalidAddressException {
        directory.removeUser(address);
        return "user " + address + " removed";
    }

    @Descriptor("set a user's password; without PASSWORD it is read from standard input")
    public String userPasswd(CommandSession session, @Descriptor("the user's address") String address,
            @Descriptor("the new password") String... password) throws IOException, InvalidAddressException {
        directory.setPassword(address, password(session, password));
        return "password of " + address + " changed";
    }

    @Descriptor("show the cache of verified logins: entries, bound, TTL, hits and misses since start")
    public String authCache() {
        return directory.loginCacheStats();
    }

    @Descriptor("empty the cache of verified logins: each next login pays the slow hash again")
    public String authCacheFlush() {
        directory.clearLoginCache();
        return "login cache emptied";
    }

    @Descriptor("list users, optionally of one domain")
    public String userList(@Descriptor("a domain to filter on") String... domain) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Entry> e : directory.snapshot().users().entrySet()) {
            if (domain.length == 0 || e.getKey().endsWith("@" + domain[0].toLowerCase(java.util.Locale.ROOT))) {
                sb.append(e.getKey()).append("  home=").append(e.getValue().user().homeServer()).append('\n');
            }
        }
        return sb.toString();
    }

    @Descriptor("show one user")
    public String userShow(@Descriptor("the user's address") String address) {
        User u = directory.user(address).orElseThrow(() -> new IllegalArgumentException("no user " + address));
        return "id:             " + u.id() + "\nname:           " + (u.displayName() == null ? "" : u.displayName())
                + "\nhome server:    " + u.homeServer() + "\nquota bytes:    " + quota(u.quotaBytes())
                + "\nquota messages: " + quota(u.quotaMessages()) + "\n";
    }

    @Descriptor("set the server of the organisation that holds a user's mailbox")
    public String homeSet(@Descriptor("the user's address") String address, @Descriptor("the server name") String server)
            throws IOException, InvalidAddressException {
        if (!server.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw new IllegalArgumentException("invalid server name " + server);
        }
        directory.updateUser(address, u -> new User(u.id(), u.displayName(), server, u.quotaBytes(), u.quotaMessages()));
        return "home of " + address + " is now " + server;
    }

    @Descriptor("set a user's quota; 0 means no limit")
    public String quotaSet(@Descriptor("the user's address") String address, @Descriptor("bytes") long bytes,
            @Descriptor("messages") long messages) throws IOException, InvalidAddressException {
        if (bytes < 0 || messages < 0) {
            throw new IllegalArgumentException("quotas cannot be negative");
        }
        directory.updateUser(address, u -> new User(u.id(), u.displayName(), u.homeServer(), bytes, messages));
        return "quota of " + address + ": " + quota(bytes) + " bytes, " + quota(messages) + " messages";
    }

    @Descriptor("add an alias, or add targets to one")
    public String aliasAdd(@Descriptor("the alias address") String alias,
            @Descriptor("where it delivers to") String... targets) throws IOException, InvalidAddressException {
        directory.addExpansion(false, alias, targets);
        return "alias " + alias + " -> " + directory.snapshot().aliases().get(DirectoryFileFormat.key(alias));
    }

    @Descriptor("remove an alias, or only some of its targets")
    public String aliasRemove(@Descriptor("the alias address") String alias,
            @Descriptor("targets to remove; none removes the alias") String... targets)
            throws IOException, InvalidAddressException {
        directory.removeExpansion(false, alias, targets);
        return "alias " + alias + " changed";
    }

    @Descriptor("list the aliases")
    public String aliasList() {
        return format(directory.snapshot().aliases());
    }

    @Descriptor("add a distribution list, or members to one")
    public String listAdd(@Descriptor("the list address") String list, @Descriptor("members") String... members)
            throws IOException, InvalidAddressException {
        directory.addExpansion(true, list, members);
        return "list " + list + " has " + directory.snapshot().lists().get(DirectoryFileFormat.key(list)).size()
                + " members";
    }

    @Descriptor("remove a distribution list, or only some members")
    public String listRemove(@Descriptor("the list address") String list,
            @Descriptor("members to remove; none removes the list") String... members)
            throws IOException, InvalidAddressException {
        directory.removeExpansion(true, list, members);
        return "list " + list + " changed";
    }

    @Descriptor("show the members of a distribution list")
    public String listMembers(@Descriptor("the list address") String list) throws InvalidAddressException {
        List<String> m = directory.snapshot().lists().get(DirectoryFileFormat.key(list));
        if (m == null) {
            throw new IllegalArgumentException("no list " + list);
        }
        return String.join("\n", m);
    }

    @Descriptor("make a name of ours a custom recipient: its mail goes to a foreign address through a gateway serving that type")
    public String customAdd(@Descriptor("the address of ours, e.g. smith@example.org") String address,
            @Descriptor("the foreign address TYPE:address, e.g. X400:c=us;p=Example;s=Smith (several words are joined with spaces)")
            String... target) throws IOException, InvalidAddressException {
        CustomRecipient c = directory.addCustom(address, String.join(" ", target));
        return "custom recipient " + address + " -> " + c;
    }

    @Descriptor("remove a custom recipient")
    public String customRemove(@Descriptor("the address of ours") String address)
            throws IOException, InvalidAddressException {
        directory.removeCustom(address);
        return "custom recipient " + address + " removed";
    }

    @Descriptor("list the custom recipients")
    public String customList() {
        StringBuilder sb = new StringBuilder();
        directory.snapshot().customs().forEach((k, v) -> sb.append(k).append(" -> ").append(v).append('\n'));
        return sb.toString();
    }

    private static String format(Map<String, List<String>> map) {
        StringBuilder sb = new StringBuilder();
        map.forEach((k, v) -> sb.append(k).append(" -> ").append(String.join(", ", v)).append('\n'));
        return sb.toString();
    }

    private static String quota(long n) {
        return n == 0 ? "unlimited" : String.valueOf(n);
    }

    /** The password argument, or the first line of standard input, so it need not show in a process list. */
    private static char[] password(CommandSession session, String[] given) throws IOException {
        if (given.length > 1) {
            throw new IllegalArgumentException("one password only (quote it if it has spaces)");
        }
        if (given.length == 1) {
            return given[0].toCharArray();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(session.getKeyboard(), StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password given (as an argument or on standard input)");
        }
        return line.toCharArray();
    }
}
