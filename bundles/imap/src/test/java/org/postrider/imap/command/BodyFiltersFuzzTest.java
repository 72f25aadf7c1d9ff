package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Fuzz targets for the filters FETCH streams message octets through: the transfer decoders
 * never fail and never give more octets than they took, base64 gives back what the JDK
 * encoded, in any chunking; HEADER.FIELDS streamed is the whole-header filter.
 */
class BodyFiltersFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void decoders(FuzzedDataProvider data) throws IOException {
        long seed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();
        for (String encoding : new String[] {"base64", "quoted-printable", "7bit"}) {
            byte[] out = TransferDecodingTest.decode(encoding, input, new Random(seed));
            assertTrue(out.length <= input.length, encoding + " gave more than it took");
        }
        byte[] encoded = Base64.getMimeEncoder().encode(input);
        assertArrayEquals(input, TransferDecodingTest.decode("base64", encoded, new Random(seed)));
    }

    @FuzzTest(maxDuration = "20s")
    void headerFields(FuzzedDataProvider data) throws IOException {
        boolean not = data.consumeBoolean();
        long seed = data.consumeLong();
        List<String> names = List.of(data.consumeAsciiString(20), "subject", "to");
        byte[] header = data.consumeRemainingAsBytes();
        assertArrayEquals(HeaderFieldsTest.reference(header, names, not),
                HeaderFieldsTest.streamed(header, names, not, new Random(seed)));
    }
}
