package org.postrider.lineserver.sasl;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.ScramCredentials;

/**
 * Fuzz target for the SCRAM server: any pair of client messages ends in a refusal
 * (InvalidResponse) or an outcome, never another exception; a made-up proof never succeeds.
 */
class ScramServerFuzzTest {
    private static final ScramCredentials KEYS;

    static {
        try {
            KEYS = ScramServerTest.pencil(ScramServerTest.USER);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void exchange(FuzzedDataProvider data) {
        ScramServer s = new ScramServer(login -> KEYS, () -> "servernonce");
        try {
            String first = s.first(data.consumeBytes(300));
            assertNotNull(first);
            String last = s.last(data.consumeRemainingAsBytes());
            if (last == null) {
                assertInstanceOf(AuthResult.Failure.class, s.result());
            } else {
                assertInstanceOf(AuthResult.Success.class, s.result());
            }
        } catch (SaslDecoder.InvalidResponse expected) {
            // refused, as malformed input should be
        }
    }
}
