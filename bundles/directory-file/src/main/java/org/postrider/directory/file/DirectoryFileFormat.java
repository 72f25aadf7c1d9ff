package org.postrider.directory.file;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postrider.api.address.Domain;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.User;

/**
 * The directory file: one line per record, parsed strictly (every address and domain goes
 * through the API parser again), so a hand edit that breaks it is refused at load with the
 * line number, not half applied.
 * <pre>
 * domain example.org
 * user alice@example.org home=athena quota-bytes=0 quota-messages=0 name=Alice%20Smith hash=pbkdf2-sha256$...
 * alias postmaster@example.org alice@example.org
 * list staff@example.org alice@example.org bob@example.org
 * custom smith@example.org X400:c=us;a=%20;p=Example;s=Smith
 * </pre>
 * A {@code custom} record is a custom recipient ({@link CustomRecipient}): the name's mail
 * goes to that foreign address through a gateway serving its type.
 */
final class DirectoryFileFormat {
    static final String HEADER = "# Postrider directory (directory-file). Change it with the dir: commands.";

    private DirectoryFileFormat() {
    }

    static String write(DirectoryData d) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (String domain : d.domains()) {
            sb.append("domain ").append(domain).append('\n');
        }
        for (Entry e : d.users().values()) {
            User u = e.user();
            sb.append("user ").append(u.id()).append(" home=").append(enc(u.homeServer()))
                    .append(" quota-bytes=").append(u.quotaBytes()).append(" quota-messages=").append(u.quotaMessages())
                    .append(" name=").append(enc(u.displayName() == null ? "" : u.displayName()))
                    .append(" hash=").append(e.passwordHash()).append('\n');
        }
        d.aliases().forEach((k, v) -> sb.append("alias ").append(k).append(' ').append(String.join(" ", v)).append('\n'));
        d.lists().forEach((k, v) -> sb.append("list ").append(k).append(' ').append(String.join(" ", v)).append('\n'));
        d.customs().forEach((k, v) -> sb.append("custom ").append(k).append(' ').append(v.field()).append('\n'));
        return sb.toString();
    }

    static DirectoryData read(String text) throws IOException {
        DirectoryData.Builder b = DirectoryData.empty().edit();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "domain" -> b.domains.add(Domain.parse(f[1]).ascii());
                    case "user" -> {
                        String id = key(f[1]);
                        Map<String, String> attrs = new HashMap<>();
                        for (int i = 2; i < f.length; i++) {
                            int eq = f[i].indexOf('=');
                            if (eq < 0) {
                                throw new IOException("attribute without '='");
                            }
                            attrs.put(f[i].substring(0, eq), f[i].substring(eq + 1));
                        }
                        String hash = attrs.get("hash");
                        if (hash == null || !PasswordHash.known(hash)) {
                            throw new IOException("user without a password hash");
                        }
                        if (attrs.get("home") == null) {
                            // a user with no home server would be routed to a server named null
                            throw new IOException("user without home=SERVER");
                        }
                        String name = dec(attrs.getOrDefault("name", ""));
                        b.users.put(id, new Entry(new User(id, name.isEmpty() ? null : name, dec(attrs.get("home")),
                                Long.parseLong(attrs.getOrDefault("quota-bytes", "0")),
                                Long.parseLong(attrs.getOrDefault("quota-messages", "0"))), hash));
                    }
                    case "alias" -> b.aliases.put(key(f[1]), members(f));
                    case "list" -> b.lists.put(key(f[1]), members(f));
                    case "custom" -> {
                        if (f.length != 3) {
                            throw new IOException("a custom record is: custom ADDRESS TYPE:FOREIGN-ADDRESS");
                        }
                        b.customs.put(key(f[1]), CustomRecipient.ofField(f[2]));
                    }
                    default -> throw new IOException("unknown record '" + f[0] + "'");
                }
            } catch (InvalidAddressException | RuntimeException e) {
                throw new IOException("directory line " + n + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IOException("directory line " + n + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static List<String> members(String[] f) throws InvalidAddressException {
        List<String> m = new ArrayList<>();
        for (int i = 2; i < f.length; i++) {
            m.add(MailAddress.parse(f[i]).toString());
        }
        return m;
    }

    static String key(String address) throws InvalidAddressException {
        return MailAddress.parse(address).lookupKey();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return s == null ? null : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
