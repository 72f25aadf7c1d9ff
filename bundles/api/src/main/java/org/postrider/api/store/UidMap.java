package org.postrider.api.store;

/**
 * Where copied or moved messages went (RFC 4315 COPYUID): the i-th UID of {@code source}
 * became the i-th of {@code target}, both ascending.
 */
public record UidMap(long targetUidValidity, UidSet source, UidSet target) {
}
