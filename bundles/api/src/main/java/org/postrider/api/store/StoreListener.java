package org.postrider.api.store;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives store events; registered as an OSGi service (whiteboard), so a store instance
 * that replaces another finds the listeners without their help. Called on a store thread:
 * it must not block.
 */
@ConsumerType
@FunctionalInterface
public interface StoreListener {
    void changed(StoreEvent event);
}
