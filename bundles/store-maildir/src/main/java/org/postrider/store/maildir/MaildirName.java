package org.postrider.store.maildir;

import java.util.Set;
import org.postrider.api.store.Flag;

/**
 * Maildir file names: {@code BASE} in new/, {@code BASE:2,FLAGS} in cur/. Names Postrider
 * writes carry the UID, the folder's id (see {@link HighWater}), a delivery key and the size
 * in the base ({@code 1732350000.M123456Q0f3a...F9c0e11d7U42.athena,S=1234}), so a rebuild
 * keeps UIDs (of this folder only), a redelivery is recognised, and sizes are known without
 * a stat. Names of the first releases have no {@code F} part.
 */
record MaildirName(String base, Set<Flag> flags) {

    static MaildirName parse(String fileName) {
        int colon = fileName.indexOf(":2,");
        if (colon < 0) {
            return new MaildirName(fileName, FlagSets.of(0));
        }
        return new MaildirName(fileName.substring(0, colon), flags(fileName.substring(colon + 3)));
    }

    /** The flags of Maildir's letters (one of {@link FlagSets}: no set made per name). */
    static Set<Flag> flags(String letters) {
        int bits = 0;
        for (int i = 0; i < letters.length(); i++) {
            bits |= switch (letters.charAt(i)) {
                case 'D' -> 1 << Flag.DRAFT.ordinal();
                case 'F' -> 1 << Flag.FLAGGED.ordinal();
                case 'R' -> 1 << Flag.ANSWERED.ordinal();
                case 'S' -> 1 << Flag.SEEN.ordinal();
                case 'T' -> 1 << Flag.DELETED.ordinal();
                default -> 0; // P (passed) and lower-case keyword letters of other tools: not IMAP flags
            };
        }
        return FlagSets.of(bits);
    }

    /** Flag letters in ASCII order, as the Maildir spec asks. */
    static String letters(Set<Flag> flags) {
        StringBuilder sb = new StringBuilder();
        if (flags.contains(Flag.DRAFT)) {
            sb.append('D');
        }
        if (flags.contains(Flag.FLAGGED)) {
            sb.append('F');
        }
        if (flags.contains(Flag.ANSWERED)) {
            sb.append('R');
        }
        if (flags.contains(Flag.SEEN)) {
            sb.append('S');
        }
        if (flags.contains(Flag.DELETED)) {
            sb.append('T');
        }
        return sb.toString();
    }

    /** The file name in cur/ for these flags. */
    String curName() {
        return base + ":2," + letters(flags);
    }

    /** The ",S=" size, or -1 if the name has none (a file another tool wrote). */
    long size() {
        return number(",S=");
    }

    /** Dovecot's ",W=" size (the message with CRLF line ends), or -1 if the name has none. */
    long virtualSize() {
        return number(",W=");
    }

    private long number(String tag) {
        int i = base.indexOf(tag);
        if (i < 0) {
            return -1;
        }
        int end = i + tag.length();
        while (end < base.length() && Character.isDigit(base.charAt(end))) {
            end++;
        }
        try {
            return Long.parseLong(base.substring(i + tag.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The UID Postrider wrote into the name, or -1. */
    long uid() {
        String unique = unique();
        int i = unique == null ? -1 : unique.lastIndexOf('U');
        if (i < 0) {
            return -1;
        }
        try {
            return Long.parseLong(unique.substring(i + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The id of the folder that gave the UID ("F" and eight hex digits before the "U"), or null. */
    String folderId() {
        String unique = unique();
        int u = unique == null ? -1 : unique.lastIndexOf('U');
        if (u < 9 || unique.charAt(u - 9) != 'F') {
            return null;
        }
        String id = unique.substring(u - 8, u);
        return id.matches("[0-9a-f]{8}") ? id : null;
    }

    /** Postrider's unique part ("M123456Q...U42"), or null for a name of another tool. */
    private String unique() {
        int dot = base.indexOf('.');
        int end = base.indexOf('.', dot + 1);
        if (dot < 0 || end < 0) {
            return null;
        }
        String unique = base.substring(dot + 1, end);
        return unique.startsWith("M") ? unique : null;
    }

    /** The delivery key Postrider wrote into the name, or null. */
    String deliveryKey() {
        int q = base.indexOf('Q');
        int u = base.indexOf('U', q + 1);
        if (q < 0 || u < 0 || !base.startsWith(".M", base.indexOf('.'))) {
            return null;
        }
        String key = base.substring(q + 1, u);
        if (key.length() == 25 && key.charAt(16) == 'F') {
            key = key.substring(0, 16); // the folder id follows
        }
        return key.matches("[0-9a-f]{16}") ? key : null;
    }
}
