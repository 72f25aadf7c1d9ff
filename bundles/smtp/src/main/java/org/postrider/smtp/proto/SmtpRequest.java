package org.postrider.smtp.proto;

/** One SMTP command line: the verb in upper case and the rest of the line (after one space), or "". */
public record SmtpRequest(String verb, String argument) {
}
