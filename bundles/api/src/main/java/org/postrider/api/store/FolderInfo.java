package org.postrider.api.store;

/**
 * One existing folder of a mailbox.
 *
 * @param specialUse its RFC 6154 use, or null
 */
public record FolderInfo(String name, SpecialUse specialUse, boolean subscribed) {
}
