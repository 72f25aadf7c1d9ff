/**
 * Typed property sets on the wire and in MIME: {@link org.postrider.mapi.PropEncoder} and the
 * incremental, I/O-free {@link org.postrider.mapi.PropDecoder} (docs/internal-protocol-properties.md),
 * {@link org.postrider.mapi.MimeWriter} (properties to an RFC 5322 message, streamed) and
 * {@link org.postrider.mapi.MimeReader} (any RFC 5322 message to properties).
 */
@Export
@Version("1.0.0")
package org.postrider.mapi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
