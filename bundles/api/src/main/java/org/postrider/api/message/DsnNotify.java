package org.postrider.api.message;

/** RFC 3461 NOTIFY values of one recipient. An empty set means the default (FAILURE, DELAY). */
public enum DsnNotify {
    NEVER, SUCCESS, FAILURE, DELAY
}
