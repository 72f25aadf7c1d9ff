package org.postrider.api.store;

/** How a STORE-like operation applies its flags. */
public enum FlagChange {
    REPLACE, ADD, REMOVE
}
