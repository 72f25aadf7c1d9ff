package org.postrider.gateway.pickup;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Whatever a foreign system leaves in the pickup folder, the envelope parser answers or refuses, within bounds. */
class EnvelopeLinesFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parsesOrRefuses(byte[] data) {
        for (boolean whole : new boolean[] {true, false}) {
            try {
                EnvelopeLines.Parsed p = EnvelopeLines.parse(data, data.length, whole, 5);
                if (p.recipients().isEmpty() || p.recipients().size() > 5 || p.messageOffset() < 0
                        || p.messageOffset() > data.length || (whole && p.messageOffset() >= data.length)) {
                    throw new AssertionError("out of bounds: " + p);
                }
                // what was read is written back the same way
                byte[] again = EnvelopeLines.format(p.sender(), p.recipients(), null);
                EnvelopeLines.Parsed q = EnvelopeLines.parse(concat(again, data, p.messageOffset()),
                        again.length + data.length - p.messageOffset(), whole, 5);
                if (!q.recipients().equals(p.recipients()) || !java.util.Objects.equals(q.sender(), p.sender())) {
                    throw new AssertionError("not the same envelope after a round trip: " + p + " " + q);
                }
            } catch (EnvelopeLines.BadFile expected) {
                // refused with a reason
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b, int from) {
        byte[] out = new byte[a.length + b.length - from];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, from, out, a.length, b.length - from);
        return out;
    }
}
