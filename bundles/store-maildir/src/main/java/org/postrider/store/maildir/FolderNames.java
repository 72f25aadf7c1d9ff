package org.postrider.store.maildir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.store.StoreException;
import org.postrider.kit.text.PercentCodec;

/**
 * The escaping layer between names that come from clients (user ids, IMAP folder names)
 * and storage paths. In folder names every byte outside {@code [A-Za-z0-9_-]} is written
 * as {@code %XX}; user directories keep plain names as they are (see {@link #userDir}). No
 * name can produce "/", "..", "~" or an absolute path, and the mapping is reversible
 * ({@link PercentCodec}). Folders follow Maildir++: INBOX is the user's Maildir, {@code A/B} is the
 * sub-Maildir {@code .A.B}.
 */
final class FolderNames {
    static final String INBOX = "INBOX";
    private static final int MAX_DEPTH = 32;
    private static final int MAX_SEGMENT_BYTES = 200;

    private FolderNames() {
    }

    /**
     * The Maildir of a user: ROOT/domain/local-part, both lower case, as admins of other
     * servers expect (/srv/mail/example.org/alice.smith). A name with anything outside
     * {@code [a-z0-9._+=-]}, or starting with a dot, is {@code %XX}-escaped as a whole.
     */
    static Path userDir(Path root, String user) throws StoreException {
        MailAddress a;
        try {
            a = MailAddress.parse(user);
        } catch (InvalidAddressException e) {
            throw new StoreException("invalid user " + user + ": " + e.getMessage(), false);
        }
        return root.resolve(dirName(a.domain().ascii().toLowerCase(Locale.ROOT)))
                .resolve(dirName(a.localPart().toLowerCase(Locale.ROOT)));
    }

    /**
     * A domain or local part as one directory name: itself when plainly safe, else escaped.
     * Still one-to-one: a name kept as it is has no "%", and an escaped one always has.
     */
    static String dirName(String s) {
        boolean plain = !s.isEmpty() && s.charAt(0) != '.';
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '+'
                    || c == '=';
        }
        return plain ? s : escape(s);
    }

    /** The directory of a folder inside the user's Maildir. */
    static Path folderDir(Path userDir, String folder) throws StoreException {
        String canonical = canonical(folder);
        if (canonical.equals(INBOX)) {
            return userDir;
        }
        StringBuilder sb = new StringBuilder();
        for (String segment : canonical.split("/")) {
            sb.append('.').append(escape(segment));
        }
        return userDir.resolve(sb.toString());
    }

    /** Validates a folder name and normalises INBOX's case. */
    static String canonical(String folder) throws StoreException {
        if (folder == null || folder.isEmpty()) {
            throw new StoreException("empty folder name", false);
        }
        String[] segments = folder.split("/", -1);
        if (segments.length > MAX_DEPTH) {
            throw new StoreException("folder hierarchy too deep", false);
        }
        List<String> out = new ArrayList<>();
        for (String s : segments) {
            if (s.isEmpty()) {
                throw new StoreException("empty level in folder name", false);
            }
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new StoreException("folder name too long", false);
            }
            if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new StoreException("control character in folder name", false);
            }
            out.add(s);
        }
        if (out.get(0).equalsIgnoreCase(INBOX)) {
            out.set(0, INBOX);
        }
        return String.join("/", out);
    }

    /** The folder name of a Maildir++ subdirectory (".A.B" gives "A/B"), or null if it is not one. */
    static String folderOf(String dirName) {
        if (!dirName.startsWith(".") || dirName.length() < 2 || dirName.equals("..")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String segment : dirName.substring(1).split("\\.", -1)) {
            String s = unescape(segment);
            if (s == null || s.isEmpty()) {
                return null;
            }
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    static String escape(String s) {
        return PercentCodec.encode(s);
    }

    /** Reverses {@link #escape}; null for anything escape could not have produced. */
    static String unescape(String s) {
        String ascii = unescapeAscii(s);
        return ascii != null ? ascii : PercentCodec.decode(s);
    }

    /**
     * The canonical escape of an ASCII string (every message file name in the index) decoded
     * in one pass, without the re-encoding that proves any other canonical; null when it is not
     * one (PercentCodec decides).
     */
    private static String unescapeAscii(String s) {
        char[] out = new char[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int v = i + 2 < s.length() ? hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)) : -1;
                if (v < 0 || v >= 0x80 || plain(v)) {
                    return null;
                }
                out[n++] = (char) v;
                i += 2;
            } else if (plain(c)) {
                out[n++] = c;
            } else {
                return null;
            }
        }
        return new String(out, 0, n);
    }

    /** A character escape writes as it is. */
    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /** An upper-case hex digit's value (escape writes no other), else a negative number. */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -256;
    }
}
