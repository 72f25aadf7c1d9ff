package org.postrider.api.message;

/** RFC 3461 RET: what a failure report carries back, the full message or its headers. */
public enum DsnReturn {
    FULL, HEADERS
}
