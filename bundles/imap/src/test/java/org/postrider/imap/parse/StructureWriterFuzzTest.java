package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.MessageStructure;

/**
 * Fuzz target for the BODYSTRUCTURE and ENVELOPE builder: for a random structure (any
 * strings, nesting, missing parts) the output is two well-formed IMAP values, balanced
 * lists with no NUL anywhere and no CR or LF outside literals.
 */
class StructureWriterFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void build(FuzzedDataProvider data) {
        BodyPart body = part(data, 0);
        boolean ext = data.consumeBoolean();
        boolean utf8 = data.consumeBoolean();
        ResponseWriter w = new ResponseWriter(utf8);
        StructureWriter.body(w, new MessageStructure(envelope(data), body, null, List.of(), false), ext);
        w.sp();
        StructureWriter.envelope(w, envelope(data));
        assertEquals(2, ResponseReader.values(w.toByteArray()), "a body and an envelope");
    }

    private static BodyPart part(FuzzedDataProvider d, int depth) {
        int kind = depth >= 4 ? 0 : d.consumeInt(0, 2);
        List<BodyPart> parts = new ArrayList<>();
        String type = kind == 1 ? "multipart" : kind == 2 ? "message" : str(d);
        String subtype = kind == 2 ? "rfc822" : str(d);
        if (kind == 1) {
            int n = d.consumeInt(0, 3);
            for (int i = 0; i < n; i++) {
                parts.add(part(d, depth + 1));
            }
        }
        List<BodyPart.Parameter> params = new ArrayList<>();
        int np = d.consumeInt(0, 2);
        for (int i = 0; i < np; i++) {
            params.add(new BodyPart.Parameter(str(d), str(d)));
        }
        BodyPart.Disposition disp = d.consumeBoolean() ? new BodyPart.Disposition(str(d), params) : null;
        List<String> lang = d.consumeBoolean() ? List.of(d.consumeString(8)) : List.of();
        long start = d.consumeLong(0, 1000);
        return new BodyPart(type, subtype, params, str(d), str(d), str(d), 0, start, d.consumeLong(0, 2000),
                d.consumeLong(-1, 100), str(d), disp, lang, str(d), parts, kind == 2 && d.consumeBoolean() ? envelope(d) : null,
                kind == 2 && d.consumeBoolean() ? part(d, depth + 1) : null);
    }

    private static Envelope envelope(FuzzedDataProvider d) {
        if (d.consumeBoolean()) {
            return null;
        }
        return new Envelope(str(d), str(d), addresses(d), addresses(d), addresses(d), addresses(d), addresses(d),
                addresses(d), str(d), str(d));
    }

    private static List<Envelope.Address> addresses(FuzzedDataProvider d) {
        int n = d.consumeInt(-1, 2);
        if (n < 0) {
            return null;
        }
        List<Envelope.Address> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Envelope.Address(str(d), str(d), str(d), str(d)));
        }
        return list;
    }

    /** Any string, null included: NUL, CR, LF, quotes, 8-bit, lone surrogates. */
    private static String str(FuzzedDataProvider d) {
        return d.consumeBoolean() ? null : d.consumeString(12);
    }
}
