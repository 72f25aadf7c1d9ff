package org.postrider.store.maildir;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postrider.api.store.Flag;

/**
 * The 32 sets of IMAP's system flags, made once, immutable, by their bits (the {@link Flag}
 * ordinals): a message's flags are one of them, never a new set. Indexing 100,000 foreign
 * files made an EnumSet for each name parsed (each asking the enum for its constants), and
 * {@link org.postrider.api.store.MessageMeta} copies any set that is not immutable already.
 */
final class FlagSets {
    private static final Flag[] FLAGS = Flag.values();
    private static final List<Set<Flag>> SETS;

    static {
        List<Set<Flag>> sets = new ArrayList<>(1 << FLAGS.length);
        for (int bits = 0; bits < 1 << FLAGS.length; bits++) {
            List<Flag> f = new ArrayList<>();
            for (Flag x : FLAGS) {
                if ((bits & (1 << x.ordinal())) != 0) {
                    f.add(x);
                }
            }
            sets.add(Set.copyOf(f));
        }
        SETS = List.copyOf(sets);
    }

    private FlagSets() {
    }

    /** The set of the flags whose ordinal bits are set in {@code bits} (others ignored). */
    static Set<Flag> of(int bits) {
        return SETS.get(bits & ((1 << FLAGS.length) - 1));
    }

    /** The bits of a set of flags. */
    static int bits(Set<Flag> flags) {
        int b = 0;
        for (Flag x : FLAGS) {
            if (flags.contains(x)) {
                b |= 1 << x.ordinal();
            }
        }
        return b;
    }
}
