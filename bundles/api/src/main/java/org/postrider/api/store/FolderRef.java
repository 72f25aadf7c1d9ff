package org.postrider.api.store;

/**
 * What a caller holds of a folder between calls: names, never a store object, so any call
 * may go to another store instance than the last (after a bundle update) and still mean
 * the same messages.
 *
 * @param uidValidity the UIDVALIDITY the caller's UIDs belong to; a call that takes UIDs
 *                    fails with {@link UidValidityChangedException} when the folder's differs.
 *                    0 for calls made before the caller knows it (then no check).
 */
public record FolderRef(String user, String folder, long uidValidity) {
    public static FolderRef of(String user, String folder) {
        return new FolderRef(user, folder, 0);
    }
}
