/**
 * Lenient parsers of RFC 5322 / RFC 2045 header fields (addresses, dates, Content-Type
 * parameters), shared by the store's structure parser and the property-set mapping. Free of
 * I/O and bounded in the field's length.
 */
@Export
@Version("1.1.0")
package org.postrider.kit.mime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
