package org.postrider.api.store;

/** A header field as it stands: the name as written, the value unfolded, not decoded. */
public record HeaderField(String name, String value) {
}
