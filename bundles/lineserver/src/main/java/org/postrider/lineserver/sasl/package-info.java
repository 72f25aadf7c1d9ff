/** SASL: SCRAM-SHA-256 (RFC 7677), PLAIN (RFC 4616) and LOGIN, shared by SMTP AUTH, POP3 AUTH and IMAP AUTHENTICATE. */
@Export
@Version("2.1.0")
package org.postrider.lineserver.sasl;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
