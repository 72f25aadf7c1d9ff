/**
 * IMAP parsing and response building, free of I/O (the session feeds bytes and writes what
 * these return): {@link org.postrider.imap.parse.ImapRequestParser} frames and tokenizes
 * commands under {@link org.postrider.imap.parse.ImapLimits}; {@link org.postrider.imap.parse.ArgReader},
 * {@link org.postrider.imap.parse.SequenceSet}, {@link org.postrider.imap.parse.SearchParser},
 * {@link org.postrider.imap.parse.FetchParser} and {@link org.postrider.imap.parse.ModifiedUtf7}
 * type the arguments; {@link org.postrider.imap.parse.ResponseWriter} and
 * {@link org.postrider.imap.parse.StructureWriter} build responses. Each parser has a Jazzer
 * fuzz target with a corpus under src/test/resources.
 */
package org.postrider.imap.parse;
