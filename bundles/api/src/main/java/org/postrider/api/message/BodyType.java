package org.postrider.api.message;

/** The ESMTP BODY parameter (RFC 6152, RFC 3030). */
public enum BodyType {
    SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME
}
