package org.postrider.store.maildir.mime;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.store.HeaderField;
import org.postrider.kit.mime.Text;

/**
 * Gathers the fields of one entity's header, unfolded, within its byte budget: a field that
 * does not fit whole is dropped with every field after it ({@link #overflowed}).
 */
final class HeaderCollector {
    private final Budget budget;
    private int left; // octets this entity may still keep
    private final List<HeaderField> fields = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private boolean inField;
    boolean overflowed;

    /** The octets all entities of one message may still keep. */
    static final class Budget {
        long left;

        Budget(long left) {
            this.left = left;
        }
    }

    HeaderCollector(int headerBytes, Budget budget) {
        this.left = headerBytes;
        this.budget = budget;
    }

    /** How much of the next line is worth keeping. */
    int keep() {
        return (int) Math.max(0, Math.min(left, budget.left));
    }

    /** One header line (not the empty line that ends the header). */
    void line(LineReader r) {
        if (overflowed) {
            return;
        }
        boolean continuation = r.keptLength > 0 && (r.kept[0] == ' ' || r.kept[0] == '\t');
        if (!continuation) {
            flush();
        }
        if (!r.whole() || r.keptLength > keep()) {
            overflowed = true; // the field cannot be kept whole: drop it and the rest
            inField = false;
            current.reset();
            return;
        }
        if (continuation && !inField) {
            return; // folded garbage before any field
        }
        current.write(r.kept, 0, r.keptLength); // unfolding: the CRLF goes, the WSP stays
        left -= r.keptLength;
        budget.left -= r.keptLength;
        inField = true;
    }

    /** The fields read, in order. */
    List<HeaderField> finish() {
        flush();
        return fields;
    }

    private void flush() {
        if (!inField) {
            return;
        }
        inField = false;
        byte[] b = current.toByteArray();
        current.reset();
        int colon = -1;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            return; // not a field: garbage is skipped
        }
        int nameEnd = colon;
        while (nameEnd > 0 && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
            nameEnd--; // obsolete "Name :" syntax
        }
        if (nameEnd == 0) {
            return;
        }
        for (int i = 0; i < nameEnd; i++) {
            if (b[i] < 33 || b[i] > 126) {
                return; // a field name is printable US-ASCII
            }
        }
        int vs = colon + 1;
        int ve = b.length;
        while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t' || b[ve - 1] == '\r')) {
            ve--;
        }
        fields.add(new HeaderField(Text.decode(b, 0, nameEnd), Text.decode(b, vs, ve - vs)));
    }
}
