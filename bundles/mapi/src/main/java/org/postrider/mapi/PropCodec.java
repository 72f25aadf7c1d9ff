package org.postrider.mapi;

import java.time.Instant;
import org.postrider.api.props.PropValue;

/** What the encoder and decoder share: the header and the FILETIME conversion. */
final class PropCodec {
    static final byte[] MAGIC = {'P', 'R', 'P', 'S'};
    static final int VERSION = 1;
    /** magic, version, body length */
    static final int HEADER_OCTETS = 4 + 1 + 4;
    /** three empty counts: properties, recipients, attachments */
    static final int MIN_BODY_OCTETS = 12;
    static final int FORM_INLINE = 0;
    static final int FORM_STREAM = 1;

    private static final long EPOCH_SECONDS = PropValue.Time.EPOCH.getEpochSecond();

    private PropCodec() {
    }

    /** 100 ns intervals since 1601; the instant is in FILETIME's range (PropValue.Time checks it). */
    static long fileTime(Instant t) {
        return (t.getEpochSecond() - EPOCH_SECONDS) * 10_000_000L + t.getNano() / 100;
    }

    static Instant instant(long fileTime) {
        return Instant.ofEpochSecond(EPOCH_SECONDS + fileTime / 10_000_000L, fileTime % 10_000_000L * 100);
    }
}
