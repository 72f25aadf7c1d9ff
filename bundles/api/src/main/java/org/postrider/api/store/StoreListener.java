package org.postrider.api.store;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives store events; called on a store thread, so it must not block. */
@ConsumerType
@FunctionalInterface
public interface StoreListener {
    void changed(StoreEvent event);
}
