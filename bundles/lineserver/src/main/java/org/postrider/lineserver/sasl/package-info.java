/** SASL PLAIN (RFC 4616) and LOGIN decoding, shared by SMTP AUTH, POP3 AUTH and IMAP AUTHENTICATE. */
@Export
@Version("1.0.0")
package org.postrider.lineserver.sasl;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
