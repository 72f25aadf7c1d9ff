/** Mail addresses and domains: the strict RFC 5321/5322/6531 parser every listener uses. */
@Export
@Version("1.0.0")
package org.postrider.api.address;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
