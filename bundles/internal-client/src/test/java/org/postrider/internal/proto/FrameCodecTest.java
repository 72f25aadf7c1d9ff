package org.postrider.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static byte[] wire(Frame... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            f.writeTo(out);
        }
        return out.toByteArray();
    }

    @Test
    void framesFedOneOctetAtATimeComeOutWhole() throws IOException {
        Begin b = new Begin("hermes.ABC.0123456789abcdef", "bob@example.net", true, false, 1, 2, "env 1", 1234,
                List.of(new Begin.Rcpt("alice@example.org", Begin.NOTIFY_FAILURE | Begin.NOTIFY_DELAY,
                        "rfc822;alice@example.org"), new Begin.Rcpt("carol@example.org", 0, null)),
                "ESMTPSA", "client.example.net", "192.0.2.1", "bob@example.net", 1700000000000L, new byte[] {1, 2, 3});
        byte[] in = wire(b.encode(), new Frame(FrameType.DATA, "Subject: x\r\n\r\nhi\r\n".getBytes()),
                Frames.end(20));
        FrameDecoder d = new FrameDecoder(Frame.HELLO_MAX);
        List<Frame> got = new java.util.ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            got.addAll(d.feed(in, i, 1));
        }
        assertEquals(3, got.size());
        Begin back = Begin.decode(got.get(0), 1024);
        assertEquals(b.transferId(), back.transferId());
        assertEquals(b.recipients(), back.recipients());
        assertArrayEquals(b.properties(), back.properties());
        assertEquals(20, Frames.decodeEnd(got.get(2)));
    }

    @Test
    void anOversizedFrameIsRefusedFromItsHeaderAlone() {
        FrameDecoder d = new FrameDecoder(1024 * 1024);
        byte[] header = {FrameType.DATA, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        ProtocolException e = assertThrows(ProtocolException.class, () -> d.feed(header, 0, header.length));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @Test
    void anUnknownTypeIsRefused() {
        FrameDecoder d = new FrameDecoder(4096);
        byte[] header = {0x55, 0, 0, 0, 0};
        assertEquals(ErrorCode.UNKNOWN_FRAME,
                assertThrows(ProtocolException.class, () -> d.feed(header, 0, 5)).code());
    }

    @Test
    void helloRoundTripsAndRefusesBadMagicAndLeftovers() throws ProtocolException {
        Hello h = new Hello(1, 1, Hello.ROLE_SERVER_LINK, "hermes", 1 << 20, 64L << 20, 0, Hello.AUTH_HMAC,
                new byte[32]);
        Hello back = Hello.decode(h.encode());
        assertEquals("hermes", back.name());
        assertEquals(1 << 20, back.maxFrame());
        byte[] p = h.encode().payload();
        p[0] = 'X';
        assertEquals(ErrorCode.PROTOCOL,
                assertThrows(ProtocolException.class, () -> Hello.decode(new Frame(FrameType.HELLO, p))).code());
        byte[] longer = java.util.Arrays.copyOf(h.encode().payload(), h.encode().payload().length + 1);
        assertThrows(ProtocolException.class, () -> Hello.decode(new Frame(FrameType.HELLO, longer)));
    }

    @Test
    void stringsMustBeUtf8WithoutNulAndWithinTheirBound() {
        byte[] bad = new PayloadWriter().u16(2).fixed(new byte[] {(byte) 0xc3, 0x28}).frame(FrameType.ERROR)
                .payload();
        assertThrows(ProtocolException.class, () -> new PayloadReader(bad).str(10, "s"));
        byte[] nul = new PayloadWriter().u16(1).fixed(new byte[] {0}).frame(FrameType.ERROR).payload();
        assertThrows(ProtocolException.class, () -> new PayloadReader(nul).str(10, "s"));
        byte[] past = new PayloadWriter().u16(100).fixed(new byte[] {'a'}).frame(FrameType.ERROR).payload();
        assertThrows(ProtocolException.class, () -> new PayloadReader(past).str(1000, "s"));
        byte[] huge = new PayloadWriter().u32(0xffffffffL).frame(FrameType.ERROR).payload();
        assertThrows(ProtocolException.class, () -> new PayloadReader(huge).bytes(1024, "b"));
    }

    @Test
    void ackAndNackRoundTrip() throws ProtocolException {
        Ack a = new Ack("t.1", "Q1", true, List.of(new Ack.Result(Ack.ACCEPTED, "2.1.5", "OK"),
                new Ack.Result(Ack.PERMANENT, "5.1.1", "no such user")));
        assertEquals(a, Ack.decode(a.encode()));
        Nack n = new Nack("t.2", true, "5.3.4", "too big");
        assertEquals(n, Nack.decode(n.encode()));
        assertTrue(Frames.decodeError(Frames.error(ErrorCode.WINDOW, "over")).getMessage().contains("over"));
    }
}
