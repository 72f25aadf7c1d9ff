package org.postrider.smtp.client;

import java.time.Duration;

/**
 * How long each stage of an outbound session may take, as a deadline for the whole stage
 * (RFC 5321 4.5.3.2, Postfix's smtp_*_timeout), not a timeout re-armed by each byte that
 * arrives: a next hop that dribbles one byte a minute cannot hold a delivery slot. The
 * attempt cap bounds the dialogue of a delivery attempt up to the message text, however its
 * stages add up; the text itself is under the per-block deadline, the reply to its end under
 * the end-of-message deadline alone (cut there, a message the hop has would go twice).
 */
record Deadlines(Duration greeting, Duration helo, Duration mail, Duration rcpt, Duration dataInit,
        Duration dataBlock, Duration dataDone, Duration attempt) {

    /** Stages of a session, with the deadline each is under. */
    enum Stage {
        GREETING("greeting"), HELO("EHLO/HELO"), STARTTLS("STARTTLS"), MAIL("MAIL"), RCPT("RCPT"),
        DATA_INIT("DATA"), DATA_BLOCK("message text"), DATA_DONE("end of message"), RSET("RSET"), QUIT("QUIT");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    Duration of(Stage s) {
        return switch (s) {
            case GREETING -> greeting;
            case HELO, STARTTLS -> helo;
            case MAIL -> mail;
            case RCPT -> rcpt;
            case DATA_INIT -> dataInit;
            case DATA_BLOCK -> dataBlock;
            case DATA_DONE -> dataDone;
            case RSET -> mail; // RSET, like MAIL, begins a transaction; the cache asks with a shorter wait
            case QUIT -> mail;
        };
    }

    /** RFC 5321 4.5.3.2's values; 30 minutes for the dialogue of an attempt. */
    static Deadlines standard() {
        return new Deadlines(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5),
                Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10),
                Duration.ofMinutes(30));
    }
}
