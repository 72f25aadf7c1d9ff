package org.postrider.directory.file;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One immutable snapshot of the directory. Keys are lookup keys (lower-case local part,
 * canonical domain); changes build a new snapshot, which is written and then published.
 */
record DirectoryData(Set<String> domains, Map<String, Entry> users, Map<String, List<String>> aliases,
        Map<String, List<String>> lists, Map<String, CustomRecipient> customs) {

    DirectoryData {
        domains = java.util.Collections.unmodifiableSet(new TreeSet<>(domains));
        users = java.util.Collections.unmodifiableMap(new TreeMap<>(users));
        aliases = java.util.Collections.unmodifiableMap(new TreeMap<>(aliases));
        lists = java.util.Collections.unmodifiableMap(new TreeMap<>(lists));
        customs = java.util.Collections.unmodifiableMap(new TreeMap<>(customs));
    }

    static DirectoryData empty() {
        return new DirectoryData(Set.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** A mutable copy to build the next snapshot from. */
    Builder edit() {
        return new Builder(this);
    }

    static final class Builder {
        final Set<String> domains;
        final Map<String, Entry> users;
        final Map<String, List<String>> aliases;
        final Map<String, List<String>> lists;
        final Map<String, CustomRecipient> customs;

        Builder(DirectoryData d) {
            domains = new TreeSet<>(d.domains);
            users = new TreeMap<>(d.users);
            aliases = new TreeMap<>(d.aliases);
            lists = new TreeMap<>(d.lists);
            customs = new TreeMap<>(d.customs);
        }

        DirectoryData build() {
            return new DirectoryData(domains, users, aliases, lists, customs);
        }
    }
}
