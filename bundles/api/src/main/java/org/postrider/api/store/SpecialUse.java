package org.postrider.api.store;

/** RFC 6154 special-use attributes of a folder. */
public enum SpecialUse {
    ALL, ARCHIVE, DRAFTS, FLAGGED, JUNK, SENT, TRASH;

    /** The IMAP attribute, e.g. "\Sent". */
    public String attribute() {
        String n = name();
        return "\\" + n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
