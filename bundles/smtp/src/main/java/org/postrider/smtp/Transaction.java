package org.postrider.smtp;

import java.util.ArrayList;
import java.util.List;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Submission;

/** One mail transaction: from MAIL to the end of DATA or the last BDAT, or RSET. */
public final class Transaction {
    public MailAddress sender;
    public BodyType body = BodyType.SEVEN_BIT;
    public boolean smtpUtf8;
    public long declaredSize = -1;
    public DsnReturn dsnReturn;
    public String envelopeId;
    /** The sender's stable id of this transfer (MAIL XTRANSFERID), or null. */
    public String transferId;
    public final List<Recipient> recipients = new ArrayList<>();
    /** The queue submission BDAT chunks are going into, between the first chunk and LAST. */
    public Submission chunks;
    public HeaderFilter chunkFilter;
    /** The CRLF-only check over all chunks; null for a binary body. */
    public org.postrider.smtp.proto.ChunkLineEndings chunkLineEndings;
    public boolean failed;

    public void abort() {
        if (chunks != null) {
            chunks.close();
            chunks = null;
        }
    }
}
