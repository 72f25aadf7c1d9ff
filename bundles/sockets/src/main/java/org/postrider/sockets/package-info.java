/**
 * Listening sockets kept across a refresh: {@link org.postrider.sockets.ListeningSockets}.
 * Only JDK types cross it, so the bundle that provides it imports nothing of Postrider and is
 * never in the dependency closure of a refresh of the api, kit or lineserver.
 */
@Export
@Version("1.0.0")
package org.postrider.sockets;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
