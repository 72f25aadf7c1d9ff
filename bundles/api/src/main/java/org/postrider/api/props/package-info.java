/**
 * Typed property sets, as MAPI has them: a message is a set of properties (each a tag, a
 * 16-bit id and a 16-bit type, and a value), a recipient table and an attachment table, each
 * row a property set of its own. Ids and type codes are MAPI's where MAPI has one
 * ({@link org.postrider.api.props.PropTags}). Large values (bodies, attachment data) are
 * streams of known length, never forced into memory. The binary codec and the mapping to and
 * from MIME are in the {@code org.postrider.mapi} library.
 */
@Export
@Version("1.0.0")
package org.postrider.api.props;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
