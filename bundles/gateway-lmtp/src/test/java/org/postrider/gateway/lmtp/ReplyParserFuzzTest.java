package org.postrider.gateway.lmtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Whatever a hostile LMTP server sends, the reply parser returns replies or a protocol error, within its bounds. */
class ReplyParserFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void repliesOrProtocolErrors(FuzzedDataProvider data) {
        ReplyParser p = new ReplyParser();
        int lines = 0;
        while (data.remainingBytes() > 0 && lines++ < 500) {
            String line = data.consumeString(ReplyParser.MAX_LINE + 10);
            try {
                Reply r = p.feed(line);
                if (r != null && (r.code() < 200 || r.code() > 599 || r.lines().size() > ReplyParser.MAX_LINES)) {
                    throw new AssertionError("out of bounds: " + r);
                }
            } catch (ReplyParser.ProtocolException e) {
                p = new ReplyParser();
            }
        }
    }
}
