package org.postrider.api.directory;

/**
 * A mailbox-owning user.
 *
 * @param id            the primary address in lookup form, e.g. "alice@example.org"
 * @param homeServer    the server of the organisation that holds the mailbox
 * @param quotaBytes    0 for no limit
 * @param quotaMessages 0 for no limit
 */
public record User(String id, String displayName, String homeServer, long quotaBytes, long quotaMessages) {
}
