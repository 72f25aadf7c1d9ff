/**
 * Durable file writes: the one place that makes state survive a crash (temp file in the
 * same directory, fsync, atomic rename, fsync of the directory), with group commit of the
 * directory fsync for many concurrent writers.
 */
@Export
@Version("1.2.0")
package org.postrider.kit.durable;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
